/**
 * English titles of node config fields (i18n/nodes.ts). Node labels and descriptions come from
 * the server in English; `nodeTypes` holds only field titles that differ by node type.
 */
export default {
  nodeTypes: {
    'send.template': { fields: { name: 'Template name' } },
    'ask.question': {
      fields: { options: 'Choices (choice answers)', listOptions: 'List the choices after the question', dateOrder: 'Order of numeric dates', timezone: 'Time zone for relative dates (today, tomorrow)' },
      options: { dateOrder: { DMY: 'day/month/year', MDY: 'month/day/year' } },
    },
    'logic.switch': { fields: { value: 'Value to check' } },
    'sheets.lookup': { fields: { value: 'Value to find', variable: 'Save the row in variable' } },
    'send.buttons': { fields: { variable: 'Save the choice in variable' } },
    'contact.tag': { fields: { tags: 'Tags to add or remove' } },
    'trigger.tag_added': { fields: { tags: 'Only these tags (optional)' } },
  },
  fields: {
    channelIds: 'Channels', keywords: 'Keywords', text: 'Text', question: 'Question', capture: 'Expected answer', variable: 'Save in variable',
    retries: 'Retries', retryPrompt: 'Retry message', timeoutSeconds: 'Timeout (seconds)', options: 'Options', 'options.title': 'Title', 'options.value': 'Value',
    'options.id': 'ID', 'options.description': 'Description', listOptions: 'Show as a list', dateOrder: 'Date order', timezone: 'Time zone', operator: 'Match',
    groups: 'Condition groups', 'groups.operator': 'Match', 'groups.rules': 'Rules', 'groups.rules.value': 'Value', 'groups.rules.op': 'Operator', 'groups.rules.compare': 'Compare with',
    value: 'Value', expression: 'JavaScript expression', action: 'Action', tags: 'Tags', assigneeId: 'Assign to (user id)', message: 'Message', code: 'Code',
    resultVariable: 'Save the result in variable', percentA: 'Share to A (%)', field: 'Field', attribute: 'Attribute', cron: 'Cron schedule', at: 'Date and time',
    target: 'Run for', limit: 'Limit', secret: 'Secret', mediaType: 'Media type', url: 'URL', caption: 'Caption', filename: 'File name', name: 'Name',
    language: 'Language', components: 'Components', kind: 'Show as', buttonText: 'Button text', header: 'Header', footer: 'Footer', cases: 'Cases',
    'cases.op': 'Operator', 'cases.compare': 'Compare with', hours: 'Opening hours', 'hours.mon': 'Monday', 'hours.tue': 'Tuesday', 'hours.wed': 'Wednesday',
    'hours.thu': 'Thursday', 'hours.fri': 'Friday', 'hours.sat': 'Saturday', 'hours.sun': 'Sunday', 'hours.mon.from': 'From', 'hours.mon.to': 'To',
    'hours.tue.from': 'From', 'hours.tue.to': 'To', 'hours.wed.from': 'From', 'hours.wed.to': 'To', 'hours.thu.from': 'From', 'hours.thu.to': 'To',
    'hours.fri.from': 'From', 'hours.fri.to': 'To', 'hours.sat.from': 'From', 'hours.sat.to': 'To', 'hours.sun.from': 'From', 'hours.sun.to': 'To',
    closedDates: 'Closed dates', strategy: 'Strategy', userId: 'User', userIds: 'Users (team)', role: 'Role', method: 'Method', headers: 'Headers', body: 'Body',
    json: 'Send as JSON', responseVariable: 'Save the response in variable', map: 'Copy into variables', timeoutMs: 'Timeout (ms)', flowId: 'Flow', amount: 'Amount',
    unit: 'Unit', pattern: 'Regular expression', flags: 'Flags', assigneeIds: 'Assigned to (users)', from: 'From status', to: 'To status', fields: 'Contact fields',
    accessToken: 'Access token', spreadsheetId: 'Spreadsheet ID', range: 'Range', values: 'Values', column: 'Column', headerRow: 'The first row is the header',
  },
};
