import type en from './en.js';

const es: typeof en = {
  app: { name: 'Parley Builder', inbox: 'Bandeja', signOut: 'Cerrar sesión', language: 'Idioma', loading: 'Cargando…', error: 'Algo salió mal: {{message}}' },
  signIn: { title: 'Entra al editor de flujos', subtitle: 'Crea chatbots y automatizaciones para todos los canales.', email: 'Correo', password: 'Contraseña', submit: 'Entrar', failed: 'Correo o contraseña incorrectos.' },
  list: {
    title: 'Flujos', new: 'Nuevo flujo', import: 'Importar', empty: 'Aún no hay flujos. Crea uno o importa un JSON exportado.', search: 'Buscar flujos',
    name: 'Nombre', trigger: 'Disparador', status: 'Estado', published: 'Última publicación', runs: 'Ejecuciones (7 días)', actions: 'Acciones',
    enabled: 'Activo', disabled: 'Apagado', draftOnly: 'Borrador', never: 'Nunca', version: 'v{{n}}', noTrigger: 'Sin disparador',
    open: 'Abrir', rename: 'Renombrar', duplicate: 'Duplicar', export: 'Exportar', delete: 'Eliminar', enable: 'Activar', disable: 'Apagar',
    enableNeedsPublish: 'Publica el flujo primero', newName: 'Nombre del nuevo flujo', renameTo: 'Nuevo nombre', copyOf: '{{name}} (copia)',
    confirmDelete: '¿Eliminar «{{name}}»? También se eliminan sus versiones, ejecuciones y estadísticas. No se puede deshacer.', imported: 'Importado «{{name}}»', importFailed: 'Ese archivo no es una exportación de flujo de Parley.',
    create: 'Crear', cancel: 'Cancelar', save: 'Guardar',
  },
  editor: {
    minimap: 'Minimapa',
    conflictState: 'Sin guardar: cambiado en otro lugar', conflict: 'Alguien (u otra pestaña) guardó este flujo después de que lo abrieras, así que tus últimos cambios no se guardaron.', conflictReload: 'Cargar su versión (descartar mis cambios)', conflictOverwrite: 'Conservar la mía (sobrescribir la suya)',
    back: 'Todos los flujos', saved: 'Guardado', saving: 'Guardando…', pending: 'Cambios sin guardar', saveFailed: 'No guardado: {{message}}', retry: 'Reintentar',
    undo: 'Deshacer (Ctrl+Z)', redo: 'Rehacer (Ctrl+Shift+Z)', fit: 'Ajustar vista', zoomIn: 'Acercar', zoomOut: 'Alejar', layout: 'Ordenar automáticamente',
    publish: 'Publicar', publishTitle: 'Publicar una nueva versión', note: 'Nota (qué cambió)', publishNow: 'Publicar', published: 'La versión {{n}} está activa',
    cannotPublish: 'Corrige los problemas antes de publicar', test: 'Probar', versions: 'Versiones', analytics: 'Analítica', problems: 'Problemas',
    leave: 'Tienes cambios sin guardar. ¿Salir de todos modos?', empty: 'Arrastra un disparador desde la paleta para empezar, o pulsa Intro sobre un elemento.',
    viewing: 'Viendo la versión {{n}} (solo lectura)', backToDraft: 'Volver al borrador', rollbackTo: 'Volver a la versión {{n}}',
    copied: '{{count}} nodo(s) copiado(s)', deleteNode: 'Eliminar nodo', duplicateNode: 'Duplicar', canvas: 'Lienzo del flujo', nodesCount: '{{count}} nodos',
    enabled: 'Activo', disabled: 'Apagado', running: 'Ejecutando la versión {{n}}', notPublished: 'Aún sin publicar', shortcuts: 'Atajos',
    shortcutsHelp: 'Ctrl+Z deshacer · Ctrl+Shift+Z rehacer · Ctrl+C / Ctrl+V copiar y pegar · Supr elimina · Mayús+arrastrar selecciona varios · Ctrl+A todo',
  },
  palette: { title: 'Nodos', search: 'Buscar nodos', noMatch: 'Ningún nodo coincide', hint: 'Arrastra al lienzo (o pulsa Intro)' },
  categories: { trigger: 'Disparadores', message: 'Mensajes', input: 'Preguntas', logic: 'Lógica', data: 'Datos', contact: 'Contactos', chat: 'Chat', time: 'Tiempo', integration: 'Integraciones', code: 'Código', flow: 'Flujo', plugin: 'Nodos de plugins' },
  panel: { title: 'Ajustes del nodo', none: 'Selecciona un nodo para editarlo.', many: '{{count}} nodos seleccionados', id: 'Id', type: 'Tipo', outputs: 'Salidas', readOnly: 'Solo lectura' },
  form: {
    add: 'Añadir', remove: 'Quitar', moveUp: 'Subir', moveDown: 'Bajar', insertVariable: 'Insertar variable', variables: 'Variables', addTag: 'Escribe y pulsa Intro',
    key: 'Clave', value: 'Valor', json: 'JSON', invalidJson: 'JSON no válido', yes: 'Sí', none: '—',
    conditions: { all: 'todos los grupos (Y)', any: 'algún grupo (O)', match: 'Cumplir', groupAll: 'todas las reglas (Y)', groupAny: 'alguna regla (O)', addRule: 'Añadir regla', addGroup: 'Añadir grupo', group: 'Grupo {{n}}' },
    errors: {
      required: 'Obligatorio', minLength: 'Al menos {{n}} caracteres', maxLength: 'Como máximo {{n}} caracteres', pattern: 'Formato no válido', enum: 'Elige una opción',
      number: 'Se espera un número', integer: 'Se espera un número entero', minimum: 'Como mínimo {{n}}', maximum: 'Como máximo {{n}}', exclusiveMinimum: 'Más de {{n}}',
      minItems: 'Añade al menos {{n}}', maxItems: 'Como máximo {{n}} elementos', type: 'Tipo incorrecto',
    },
  },
  problems: { title: 'Problemas', none: 'Sin problemas: listo para publicar.', checking: 'Comprobando…', flow: 'Flujo', count_one: '{{count}} problema', count_other: '{{count}} problemas' },
  versions: { title: 'Versiones', none: 'Aún no se ha publicado nada.', view: 'Ver', rollback: 'Volver', live: 'Activa', by: 'nota: {{note}}', confirmRollback: '¿Hacer que la versión {{n}} sea la que se ejecuta?', rolledBack: 'La versión {{n}} vuelve a ejecutarse' },
  test: {
    title: 'Probar', placeholder: 'Escribe un mensaje…', send: 'Enviar', restart: 'Reiniciar', variables: 'Variables', noVars: 'Aún no hay variables',
    intro: 'Envía la palabra clave para iniciar el borrador. Nada llega a clientes reales.', status: { waiting: 'Esperando respuesta', completed: 'Completado', failed: 'Falló', handed_off: 'Pasado a un agente', not_triggered: 'Ningún disparador coincidió' },
    contactName: 'Nombre del contacto de prueba', invalid: 'Corrige los problemas primero: la prueba ejecuta el borrador.',
  },
  stats: { title: 'Analítica', from: 'Desde', to: 'Hasta', runs: 'Ejecuciones', completion: 'Finalización', entries: 'entraron', dropOffs: 'abandonaron', last7: '7 días', last30: '30 días', show: 'Mostrar en el lienzo', none: 'Sin ejecuciones en este periodo' },
  node: { noInput: 'disparador', error: '{{count}} problema(s)' },
};
export default es;
