import type en from './en.js';

const ar: typeof en = {
  app: { name: 'منشئ Parley', inbox: 'صندوق الوارد', signOut: 'تسجيل الخروج', language: 'اللغة', loading: 'جارٍ التحميل…', error: 'حدث خطأ: {{message}}' },
  signIn: { title: 'سجّل الدخول إلى منشئ التدفقات', subtitle: 'أنشئ روبوتات محادثة وأتمتة لكل القنوات.', email: 'البريد الإلكتروني', password: 'كلمة المرور', submit: 'دخول', failed: 'البريد الإلكتروني أو كلمة المرور غير صحيحة.' },
  list: {
    title: 'التدفقات', new: 'تدفق جديد', import: 'استيراد', empty: 'لا توجد تدفقات بعد. أنشئ واحدًا أو استورد ملف JSON.', search: 'ابحث في التدفقات',
    name: 'الاسم', trigger: 'المشغّل', status: 'الحالة', published: 'آخر نشر', runs: 'التشغيلات (7 أيام)', actions: 'إجراءات',
    enabled: 'مفعّل', disabled: 'متوقف', draftOnly: 'مسودة', never: 'أبدًا', version: 'الإصدار {{n}}', noTrigger: 'بلا مشغّل',
    open: 'فتح', rename: 'إعادة تسمية', duplicate: 'تكرار', export: 'تصدير', delete: 'حذف', enable: 'تشغيل', disable: 'إيقاف',
    enableNeedsPublish: 'انشر التدفق أولًا', newName: 'اسم التدفق الجديد', renameTo: 'الاسم الجديد', copyOf: '{{name}} (نسخة)',
    confirmDelete: 'حذف «{{name}}»؟ ستُحذف إصداراته وتشغيلاته وإحصاءاته أيضًا. لا يمكن التراجع.', imported: 'تم استيراد «{{name}}»', importFailed: 'هذا الملف ليس تصديرًا لتدفق Parley.',
    create: 'إنشاء', cancel: 'إلغاء', save: 'حفظ',
  },
  editor: {
    minimap: 'الخريطة المصغّرة',
    conflictState: 'لم يُحفظ: تغيّر في مكان آخر', conflict: 'قام شخص ما (أو علامة تبويب أخرى) بحفظ هذا التدفق بعد أن فتحته، لذلك لم تُحفظ تغييراتك الأخيرة.', conflictReload: 'تحميل نسختهم (تجاهل تغييراتي)', conflictOverwrite: 'الاحتفاظ بنسختي (استبدال نسختهم)',
    back: 'كل التدفقات', saved: 'تم الحفظ', saving: 'جارٍ الحفظ…', pending: 'تغييرات غير محفوظة', saveFailed: 'لم يُحفظ: {{message}}', retry: 'إعادة المحاولة',
    undo: 'تراجع (Ctrl+Z)', redo: 'إعادة (Ctrl+Shift+Z)', fit: 'ملاءمة العرض', zoomIn: 'تكبير', zoomOut: 'تصغير', layout: 'ترتيب تلقائي',
    publish: 'نشر', publishTitle: 'نشر إصدار جديد', note: 'ملاحظة (ما الذي تغيّر)', publishNow: 'نشر', published: 'الإصدار {{n}} يعمل الآن',
    cannotPublish: 'أصلح المشكلات قبل النشر', test: 'اختبار', versions: 'الإصدارات', analytics: 'التحليلات', problems: 'المشكلات',
    leave: 'لديك تغييرات غير محفوظة. هل تريد المغادرة؟', empty: 'اسحب مشغّلًا من اللوحة للبدء، أو اضغط Enter على عنصر.',
    viewing: 'عرض الإصدار {{n}} (للقراءة فقط)', backToDraft: 'العودة إلى المسودة', rollbackTo: 'الرجوع إلى الإصدار {{n}}',
    copied: 'تم نسخ {{count}} عقدة', deleteNode: 'حذف العقدة', duplicateNode: 'تكرار', canvas: 'لوحة التدفق', nodesCount: '{{count}} عقدة',
    enabled: 'مفعّل', disabled: 'متوقف', running: 'يعمل الإصدار {{n}}', notPublished: 'لم يُنشر بعد', shortcuts: 'اختصارات',
    shortcutsHelp: 'Ctrl+Z تراجع · Ctrl+Shift+Z إعادة · Ctrl+C / Ctrl+V نسخ ولصق · Delete حذف · Shift+سحب لتحديد عدة عقد · Ctrl+A الكل',
  },
  palette: { title: 'العقد', search: 'ابحث في العقد', noMatch: 'لا توجد عقدة مطابقة', hint: 'اسحب إلى اللوحة (أو اضغط Enter)' },
  categories: { trigger: 'المشغّلات', message: 'الرسائل', input: 'الأسئلة', logic: 'المنطق', data: 'البيانات', contact: 'جهات الاتصال', chat: 'المحادثة', time: 'الوقت', integration: 'التكاملات', code: 'الشيفرة', flow: 'التدفق', plugin: 'عقد الإضافات' },
  panel: { title: 'إعدادات العقدة', none: 'اختر عقدة لتعديلها.', many: 'تم تحديد {{count}} عقدة', id: 'المعرّف', type: 'النوع', outputs: 'المخرجات', readOnly: 'للقراءة فقط' },
  form: {
    add: 'إضافة', remove: 'إزالة', moveUp: 'لأعلى', moveDown: 'لأسفل', insertVariable: 'إدراج متغير', variables: 'المتغيرات', addTag: 'اكتب واضغط Enter',
    key: 'المفتاح', value: 'القيمة', json: 'JSON', invalidJson: 'JSON غير صالح', yes: 'نعم', none: '—',
    conditions: { all: 'كل المجموعات (و)', any: 'أي مجموعة (أو)', match: 'تطابق', groupAll: 'كل القواعد (و)', groupAny: 'أي قاعدة (أو)', addRule: 'إضافة قاعدة', addGroup: 'إضافة مجموعة', group: 'المجموعة {{n}}' },
    errors: {
      required: 'مطلوب', minLength: '{{n}} أحرف على الأقل', maxLength: '{{n}} حرفًا على الأكثر', pattern: 'تنسيق غير صالح', enum: 'اختر أحد الخيارات',
      number: 'يُتوقع رقم', integer: 'يُتوقع عدد صحيح', minimum: '{{n}} على الأقل', maximum: '{{n}} على الأكثر', exclusiveMinimum: 'أكثر من {{n}}',
      minItems: 'أضف {{n}} على الأقل', maxItems: '{{n}} عناصر على الأكثر', type: 'نوع غير صحيح',
    },
  },
  problems: { title: 'المشكلات', none: 'لا مشكلات — جاهز للنشر.', checking: 'جارٍ التحقق…', flow: 'التدفق', count_one: 'مشكلة واحدة', count_other: '{{count}} مشكلات' },
  versions: { title: 'الإصدارات', none: 'لم يُنشر شيء بعد.', view: 'عرض', rollback: 'رجوع', live: 'يعمل', by: 'ملاحظة: {{note}}', confirmRollback: 'جعل الإصدار {{n}} هو الإصدار العامل؟', rolledBack: 'عاد الإصدار {{n}} للعمل' },
  test: {
    title: 'اختبار', placeholder: 'اكتب رسالة…', send: 'إرسال', restart: 'إعادة البدء', variables: 'المتغيرات', noVars: 'لا متغيرات بعد',
    intro: 'أرسل الكلمة المفتاحية لبدء المسودة. لا يصل شيء إلى عملاء حقيقيين.', status: { waiting: 'بانتظار إجابة', completed: 'اكتمل', failed: 'فشل', handed_off: 'حُوّل إلى موظف', not_triggered: 'لم يطابق أي مشغّل' },
    contactName: 'اسم جهة الاتصال التجريبية', invalid: 'أصلح المشكلات أولًا: الاختبار يشغّل المسودة.',
  },
  stats: { title: 'التحليلات', from: 'من', to: 'إلى', runs: 'التشغيلات', completion: 'الإكمال', entries: 'دخلوا', dropOffs: 'انسحبوا', last7: '7 أيام', last30: '30 يومًا', show: 'إظهار على اللوحة', none: 'لا تشغيلات في هذه الفترة' },
  node: { noInput: 'مشغّل', error: '{{count}} مشكلة' },
};
export default ar;
