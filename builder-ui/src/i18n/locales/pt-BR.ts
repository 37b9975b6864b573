import type en from './en.js';

const ptBR: typeof en = {
  app: { name: 'Parley Builder', inbox: 'Caixa de entrada', signOut: 'Sair', language: 'Idioma', loading: 'Carregando…', error: 'Algo deu errado: {{message}}' },
  signIn: { title: 'Entre no editor de fluxos', subtitle: 'Crie chatbots e automações para todos os canais.', email: 'E-mail', password: 'Senha', submit: 'Entrar', failed: 'E-mail ou senha incorretos.' },
  list: {
    title: 'Fluxos', new: 'Novo fluxo', import: 'Importar', empty: 'Nenhum fluxo ainda. Crie um ou importe um JSON exportado.', search: 'Buscar fluxos',
    name: 'Nome', trigger: 'Gatilho', status: 'Status', published: 'Última publicação', runs: 'Execuções (7 dias)', actions: 'Ações',
    enabled: 'Ativo', disabled: 'Desligado', draftOnly: 'Rascunho', never: 'Nunca', version: 'v{{n}}', noTrigger: 'Sem gatilho',
    open: 'Abrir', rename: 'Renomear', duplicate: 'Duplicar', export: 'Exportar', delete: 'Excluir', enable: 'Ligar', disable: 'Desligar',
    enableNeedsPublish: 'Publique o fluxo primeiro', newName: 'Nome do novo fluxo', renameTo: 'Novo nome', copyOf: '{{name}} (cópia)',
    confirmDelete: 'Excluir “{{name}}”? Suas versões, execuções e estatísticas também serão excluídas. Não é possível desfazer.', imported: '“{{name}}” importado', importFailed: 'Esse arquivo não é uma exportação de fluxo do Parley.',
    create: 'Criar', cancel: 'Cancelar', save: 'Salvar',
  },
  editor: {
    minimap: 'Minimapa',
    conflictState: 'Não salvo: alterado em outro lugar', conflict: 'Alguém (ou outra aba) salvou este fluxo depois que você o abriu, então suas últimas alterações não foram salvas.', conflictReload: 'Carregar a versão deles (descartar minhas alterações)', conflictOverwrite: 'Manter a minha (sobrescrever a deles)',
    back: 'Todos os fluxos', saved: 'Salvo', saving: 'Salvando…', pending: 'Alterações não salvas', saveFailed: 'Não salvo: {{message}}', retry: 'Tentar de novo',
    undo: 'Desfazer (Ctrl+Z)', redo: 'Refazer (Ctrl+Shift+Z)', fit: 'Ajustar à tela', zoomIn: 'Aproximar', zoomOut: 'Afastar', layout: 'Organizar automaticamente',
    publish: 'Publicar', publishTitle: 'Publicar uma nova versão', note: 'Nota (o que mudou)', publishNow: 'Publicar', published: 'A versão {{n}} está ativa',
    cannotPublish: 'Corrija os problemas antes de publicar', test: 'Testar', versions: 'Versões', analytics: 'Análises', problems: 'Problemas',
    leave: 'Há alterações não salvas. Sair mesmo assim?', empty: 'Arraste um gatilho da paleta para começar, ou pressione Enter em um item.',
    viewing: 'Vendo a versão {{n}} (somente leitura)', backToDraft: 'Voltar ao rascunho', rollbackTo: 'Voltar para a versão {{n}}',
    copied: '{{count}} nó(s) copiado(s)', deleteNode: 'Excluir nó', duplicateNode: 'Duplicar', canvas: 'Tela do fluxo', nodesCount: '{{count}} nós',
    enabled: 'Ativo', disabled: 'Desligado', running: 'Executando a versão {{n}}', notPublished: 'Ainda não publicado', shortcuts: 'Atalhos',
    shortcutsHelp: 'Ctrl+Z desfazer · Ctrl+Shift+Z refazer · Ctrl+C / Ctrl+V copiar e colar · Delete remove · Shift+arrastar seleciona vários · Ctrl+A tudo',
  },
  palette: { title: 'Nós', search: 'Buscar nós', noMatch: 'Nenhum nó encontrado', hint: 'Arraste para a tela (ou pressione Enter)' },
  categories: { trigger: 'Gatilhos', message: 'Mensagens', input: 'Perguntas', logic: 'Lógica', data: 'Dados', contact: 'Contatos', chat: 'Chat', time: 'Tempo', integration: 'Integrações', code: 'Código', flow: 'Fluxo', plugin: 'Nós de plugins' },
  panel: { title: 'Configurações do nó', none: 'Selecione um nó para editá-lo.', many: '{{count}} nós selecionados', id: 'Id', type: 'Tipo', outputs: 'Saídas', readOnly: 'Somente leitura' },
  form: {
    add: 'Adicionar', remove: 'Remover', moveUp: 'Subir', moveDown: 'Descer', insertVariable: 'Inserir variável', variables: 'Variáveis', addTag: 'Digite e pressione Enter',
    key: 'Chave', value: 'Valor', json: 'JSON', invalidJson: 'JSON inválido', yes: 'Sim', none: '—',
    conditions: { all: 'todos os grupos (E)', any: 'qualquer grupo (OU)', match: 'Atender', groupAll: 'todas as regras (E)', groupAny: 'qualquer regra (OU)', addRule: 'Adicionar regra', addGroup: 'Adicionar grupo', group: 'Grupo {{n}}' },
    errors: {
      required: 'Obrigatório', minLength: 'Pelo menos {{n}} caracteres', maxLength: 'No máximo {{n}} caracteres', pattern: 'Formato inválido', enum: 'Escolha uma opção',
      number: 'Esperado um número', integer: 'Esperado um número inteiro', minimum: 'No mínimo {{n}}', maximum: 'No máximo {{n}}', exclusiveMinimum: 'Mais de {{n}}',
      minItems: 'Adicione pelo menos {{n}}', maxItems: 'No máximo {{n}} itens', type: 'Tipo incorreto',
    },
  },
  problems: { title: 'Problemas', none: 'Nenhum problema — pronto para publicar.', checking: 'Verificando…', flow: 'Fluxo', count_one: '{{count}} problema', count_other: '{{count}} problemas' },
  versions: { title: 'Versões', none: 'Nada publicado ainda.', view: 'Ver', rollback: 'Reverter', live: 'Ativa', by: 'nota: {{note}}', confirmRollback: 'Tornar a versão {{n}} a versão em execução?', rolledBack: 'A versão {{n}} voltou a executar' },
  test: {
    title: 'Testar', placeholder: 'Digite uma mensagem…', send: 'Enviar', restart: 'Reiniciar', variables: 'Variáveis', noVars: 'Nenhuma variável ainda',
    intro: 'Envie a palavra-chave para iniciar o rascunho. Nada chega a clientes reais.', status: { waiting: 'Aguardando resposta', completed: 'Concluído', failed: 'Falhou', handed_off: 'Transferido para um agente', not_triggered: 'Nenhum gatilho correspondeu' },
    contactName: 'Nome do contato de teste', invalid: 'Corrija os problemas primeiro: o teste executa o rascunho.',
  },
  stats: { title: 'Análises', from: 'De', to: 'Até', runs: 'Execuções', completion: 'Conclusão', entries: 'entraram', dropOffs: 'desistiram', last7: '7 dias', last30: '30 dias', show: 'Mostrar na tela', none: 'Nenhuma execução no período' },
  node: { noInput: 'gatilho', error: '{{count}} problema(s)' },
};
export default ptBR;
