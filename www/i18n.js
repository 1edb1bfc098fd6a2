// Interface text for <hairline-visualizer>, by language. Values reach the DOM
// only through textContent / attributes, never as markup.

export const STRINGS = {
  en: {
    locale: 'en',
    title: 'Hairline preview',
    subtitle: 'See scalp micropigmentation on your own photo. Your photo never leaves this device.',
    dropTitle: 'Add a photo of your head',
    dropBody: 'Face the camera, forehead uncovered, good light. Drop it here, paste it, or choose one.',
    choosePhoto: 'Choose photo',
    takePhoto: 'Take photo',
    loading: 'Loading the visualizer…',
    decoding: 'Opening your photo…',
    style: 'Hairline style',
    styles: {
      natural: 'Natural',
      soft: 'Soft',
      defined: 'Defined',
      mature: 'Mature',
      'widows-peak': "Widow's peak",
    },
    height: 'Hairline height',
    heightValue: (cm) => `${cm} cm above brows`,
    density: 'Density',
    densityValue: (d) => `${d} dots/cm²`,
    dotSize: 'Dot size',
    dotValue: (mm) => `${mm} mm`,
    hair: 'Your remaining hair',
    hairs: { dark: 'Dark or black', brown: 'Brown', blond: 'Fair or blond', grey: 'Grey or salt-and-pepper', white: 'White' },
    shade: 'Pigment shade',
    shades: {
      I: 'Type I · very light skin',
      II: 'Type II · light skin',
      III: 'Type III · medium skin',
      IV: 'Type IV · olive skin',
      V: 'Type V · brown skin',
      VI: 'Type VI · dark skin',
      custom: 'Custom colour',
    },
    customColour: 'Custom pigment colour',
    look: 'Look',
    healed: 'Healed',
    fresh: 'Fresh',
    aged: 'Years later',
    session: 'Treatment session',
    sessionN: (n) => (n === 3 ? '3 · final' : String(n)),
    thirds: (u, m, l, b) => `Face thirds: forehead ${u} · nose ${m} · chin ${l} cm, ${b}`,
    thirdsLabel: 'Face thirds',
    balance: {
      balanced: 'balanced',
      high: 'forehead long: a lower line would balance the face',
      low: 'forehead short: a higher line would look more natural',
    },
    guardrails: {
      'too-low': (cm) => `The hairline is ${cm} cm above the brows. Lower than 6.5 cm tends to look unnatural on adult men.`,
      'too-straight': () => 'The line is almost straight. A gentle curve, with the corners a little higher than the centre, looks natural.',
      asymmetric: (cm, mm) => `Left and right differ by ${mm} mm. Small differences look natural; this much may show.`,
    },
    tools: 'Tools',
    toolMove: 'Move',
    toolAdd: 'Paint in',
    toolErase: 'Erase',
    toolScar: 'Scar',
    mode: 'Treatment',
    modes: { hairline: 'Hairline (where skin shows)', full: 'Full shaved head', thinning: 'Density under thinning hair' },
    buzzCut: 'Buzz cut the rest of my hair',
    brushSize: 'Brush size',
    symmetric: 'Mirror left and right',
    calibrate: 'Tap pupils',
    calibrateHelp: 'Tap the centre of your left pupil, then your right pupil.',
    calibrateSecond: 'Now tap the other pupil.',
    ipd: 'Distance between pupils',
    ipdValue: (mm) => `${mm} mm`,
    estimated: 'Size is estimated. Tap “Tap pupils” for true millimetres.',
    calibrated: 'Calibrated from your pupils.',
    detected: 'Size set from your face. Drag the markers if they are off.',
    detectedHelp: 'Found your face: the hairline is placed by the usual rules. Drag any point to adjust.',
    lineInHair: 'Your own hairline is already at or below this line, so little changes here. Try a lower line, “Density under thinning hair”, or “Full shaved head”.',
    findFace: 'Find my face again',
    autoPlaceErrors: {
      'no-face': 'We could not find a face in this photo. Tap the centre of each pupil and we will place the hairline.',
      'several-faces': 'This photo shows more than one face. Use a photo of just you, or tap your two pupils.',
      'face-too-small': 'Your face is too small in this photo. Use a closer photo, or tap your two pupils.',
      'face-turned': 'Your head is turned too far to the side. Face the camera, or tap your two pupils.',
      invalid: 'The face could not be measured. Tap your two pupils instead.',
    },
    compare: 'Compare',
    guides: 'Guides',
    compareSlider: 'Before and after',
    zoomIn: 'Zoom in',
    zoomOut: 'Zoom out',
    zoomFit: 'Fit',
    undo: 'Undo',
    redo: 'Redo',
    reset: 'Reset design',
    download: 'Download image',
    saveDesign: 'Save design',
    loadDesign: 'Load design',
    forget: 'Remove photo',
    share: 'Copy link to design',
    brief: 'Brief for the artist',
    briefTitle: 'SMP design brief',
    briefSheet: {
      map: 'Hairline map',
      mapNote: 'Heights from G, the glabella (between the brows), and distances are measured along the skin, as with a flexible ruler. The photo foreshortens them: draw from the numbers.',
      scaleBar: '1 cm at the brows',
      measures: 'Measurements',
      columns: ['Point', 'Above G', 'From midline'],
      points: {
        A: 'A · mid-frontal point',
        B: 'B · corner, right',
        C: 'C · corner, left',
        D: 'D · temple point, right',
        E: 'E · temple point, left',
      },
      distances: 'Distances between the points',
      sides: 'Right and left are the client’s (B and D appear on the left of the photo).',
      pigment: 'Pigment and plan',
      sessions: 'Session plan',
      sessionSteps: [
        '1 · light base, a third to half of the final density',
        '2 · 10–30 days later: build density, refine the line',
        '3 · 10–30 days later: depth, a few darker dots',
        'Touch-up after a year or more',
      ],
      pair: 'Before and after, at the map’s scale',
      appendix: 'Appendix · the design file (“Load design” reopens it)',
      appendixCut: '… (shortened here; the saved design file holds all of it)',
    },
    sessionPlan: (n) => (n === 3 ? 'Finished result (3 sessions: light base, build-up, depth)' : `Session ${n} of 3 shown`),
    scaleEstimated: 'estimated, not measured',
    scaleMeasured: 'measured from the pupils',
    linkCopied: 'Link copied. It reopens this design (your photo is not in it).',
    linkReady: 'The page address now reopens this design (your photo is not in it).',
    cta: 'Book a consultation',
    consent: 'Include my full-size preview with the request',
    before: 'Before',
    after: 'After',
    point: (name) => `Move the ${name} (arrow keys; Shift for 5 mm)`,
    handleRole: 'draggable point',
    pointNames: [
      'left temple point', 'left corner', 'left front', 'hairline centre',
      'right front', 'right corner', 'right temple point',
    ],
    pupilLeft: 'left pupil',
    pupilRight: 'right pupil',
    live: (cm, dots) => `Hairline ${cm} cm above brow line, ${dots} dots`,
    alt: (style, cm, look) => `Your photo with a ${style} SMP hairline ${cm} cm above the brows, ${look} look`,
    altEmpty: 'No photo yet',
    rendering: 'Rendering…',
    exportReady: 'Image downloaded.',
    designSaved: 'Design saved.',
    designLoaded: 'Design loaded.',
    coreErrors: {
      imageTooLarge: (w, h, mp) => `This photo is ${w}×${h} pixels; this page takes photos of up to ${mp} megapixels. Please use a smaller one.`,
      outOfMemory: 'This device does not have the memory for a photo this large. Please use a smaller photo.',
      brushRadius: (min, max) => `The brush size must be between ${min} and ${max} mm.`,
      strokeLimit: (max) => `A design holds at most ${max} painted strokes. Undo some before painting more.`,
      ipdRange: (min, max, a, b) => `The distance between the pupils must be between ${min} and ${max} mm (most adults: ${a} to ${b} mm).`,
      pupilOutside: 'Both taps must be on the photo. Tap the centre of each pupil.',
      pupilsTooClose: 'The two taps are too close together. Tap the centre of each pupil, one after the other.',
      pupilsTilted: (deg) => `The two taps are tilted more than ${deg}°. Tap the centre of each pupil, one after the other.`,
    },
    errors: {
      notImage: 'That file is not a photo we can open. Please choose a JPEG, PNG or WebP photo.',
      heic: 'This browser cannot open HEIC photos. On an iPhone, share the photo as JPEG (or set Settings › Camera › Formats › Most Compatible) and try again.',
      corrupt: 'This photo could not be read. It may be damaged or incomplete; please try another one.',
      empty: 'Nothing was dropped. Drag a photo file onto the preview.',
      tooSmall: (w, h) => `This photo is only ${w}×${h} pixels. Please use one at least 200 pixels across.`,
      badDesign: 'That design file could not be used: ',
      noPhoto: 'Add a photo first.',
      internal: 'Something went wrong inside the visualizer. Your design is kept; please try again.',
      loadFailed: 'The visualizer could not start. Please reload the page.',
      fetch: 'The photo could not be loaded from that address.',
      cancelled: 'The photo was removed or replaced before it finished loading.',
      models: 'Automatic face finding is unavailable right now. Tap your two pupils instead.',
    exportFailed: 'The image could not be made. Please try again; if it keeps failing, reload the page.',
    },
  },
  es: {
    locale: 'es',
    title: 'Vista previa de la línea del cabello',
    subtitle: 'Vea la micropigmentación capilar en su propia foto. Su foto nunca sale de este dispositivo.',
    dropTitle: 'Agregue una foto de su cabeza',
    dropBody: 'Mire a la cámara, con la frente despejada y buena luz. Suéltela aquí, péguela o elija una.',
    choosePhoto: 'Elegir foto',
    takePhoto: 'Tomar foto',
    loading: 'Cargando el visualizador…',
    decoding: 'Abriendo su foto…',
    style: 'Estilo de línea',
    styles: {
      natural: 'Natural',
      soft: 'Suave',
      defined: 'Definida',
      mature: 'Madura',
      'widows-peak': 'Pico de viuda',
    },
    height: 'Altura de la línea',
    heightValue: (cm) => `${cm} cm sobre las cejas`,
    density: 'Densidad',
    densityValue: (d) => `${d} puntos/cm²`,
    dotSize: 'Tamaño del punto',
    dotValue: (mm) => `${mm} mm`,
    hair: 'Su cabello restante',
    hairs: { dark: 'Oscuro o negro', brown: 'Castaño', blond: 'Claro o rubio', grey: 'Gris o canoso', white: 'Blanco' },
    shade: 'Tono del pigmento',
    shades: {
      I: 'Tipo I · piel muy clara',
      II: 'Tipo II · piel clara',
      III: 'Tipo III · piel media',
      IV: 'Tipo IV · piel oliva',
      V: 'Tipo V · piel morena',
      VI: 'Tipo VI · piel oscura',
      custom: 'Color personalizado',
    },
    customColour: 'Color de pigmento personalizado',
    look: 'Aspecto',
    healed: 'Cicatrizado',
    fresh: 'Recién hecho',
    aged: 'Años después',
    session: 'Sesión de tratamiento',
    sessionN: (n) => (n === 3 ? '3 · final' : String(n)),
    thirds: (u, m, l, b) => `Tercios faciales: frente ${u} · nariz ${m} · mentón ${l} cm, ${b}`,
    thirdsLabel: 'Tercios faciales',
    balance: {
      balanced: 'equilibrados',
      high: 'frente larga: una línea más baja equilibraría el rostro',
      low: 'frente corta: una línea más alta se vería más natural',
    },
    guardrails: {
      'too-low': (cm) => `La línea está a ${cm} cm sobre las cejas. Por debajo de 6,5 cm suele verse poco natural en hombres adultos.`,
      'too-straight': () => 'La línea es casi recta. Una curva suave, con las esquinas algo más altas que el centro, se ve natural.',
      asymmetric: (cm, mm) => `La izquierda y la derecha difieren en ${mm} mm. Las diferencias pequeñas se ven naturales; esta puede notarse.`,
    },
    tools: 'Herramientas',
    toolMove: 'Mover',
    toolAdd: 'Pintar',
    toolErase: 'Borrar',
    toolScar: 'Cicatriz',
    mode: 'Tratamiento',
    modes: { hairline: 'Línea (donde se ve la piel)', full: 'Cabeza rapada completa', thinning: 'Densidad bajo cabello escaso' },
    buzzCut: 'Rapar el resto de mi cabello',
    brushSize: 'Tamaño del pincel',
    symmetric: 'Reflejar izquierda y derecha',
    calibrate: 'Marcar pupilas',
    calibrateHelp: 'Toque el centro de su pupila izquierda y luego la derecha.',
    calibrateSecond: 'Ahora toque la otra pupila.',
    ipd: 'Distancia entre pupilas',
    ipdValue: (mm) => `${mm} mm`,
    estimated: 'El tamaño es estimado. Toque «Marcar pupilas» para milímetros reales.',
    calibrated: 'Calibrado con sus pupilas.',
    detected: 'Tamaño ajustado a su rostro. Arrastre los marcadores si no coinciden.',
    detectedHelp: 'Encontramos su rostro: la línea se coloca según las reglas habituales. Arrastre cualquier punto para ajustarla.',
    lineInHair: 'Su propia línea del cabello ya está a esta altura o más abajo, así que aquí cambia poco. Pruebe una línea más baja, «Densidad bajo cabello escaso» o «Cabeza rapada completa».',
    findFace: 'Buscar mi rostro de nuevo',
    autoPlaceErrors: {
      'no-face': 'No encontramos un rostro en esta foto. Toque el centro de cada pupila y colocaremos la línea.',
      'several-faces': 'Esta foto muestra más de un rostro. Use una foto solo suya o toque sus dos pupilas.',
      'face-too-small': 'Su rostro se ve demasiado pequeño. Use una foto más cercana o toque sus dos pupilas.',
      'face-turned': 'Su cabeza está demasiado girada. Mire a la cámara o toque sus dos pupilas.',
      invalid: 'No se pudo medir el rostro. Toque sus dos pupilas.',
    },
    compare: 'Comparar',
    guides: 'Guías',
    compareSlider: 'Antes y después',
    zoomIn: 'Acercar',
    zoomOut: 'Alejar',
    zoomFit: 'Ajustar',
    undo: 'Deshacer',
    redo: 'Rehacer',
    reset: 'Restablecer diseño',
    download: 'Descargar imagen',
    saveDesign: 'Guardar diseño',
    loadDesign: 'Abrir diseño',
    forget: 'Quitar foto',
    share: 'Copiar enlace al diseño',
    brief: 'Resumen para el artista',
    briefTitle: 'Resumen del diseño SMP',
    briefSheet: {
      map: 'Mapa de la línea',
      mapNote: 'Las alturas desde G, la glabela (entre las cejas), y las distancias se miden sobre la piel, como con una regla flexible. La foto las acorta: dibuje a partir de las cifras.',
      scaleBar: '1 cm a la altura de las cejas',
      measures: 'Medidas',
      columns: ['Punto', 'Sobre G', 'Del centro'],
      points: {
        A: 'A · punto medio frontal',
        B: 'B · esquina, derecha',
        C: 'C · esquina, izquierda',
        D: 'D · punto temporal, derecha',
        E: 'E · punto temporal, izquierda',
      },
      distances: 'Distancias entre los puntos',
      sides: 'Derecha e izquierda son las del cliente (B y D aparecen a la izquierda de la foto).',
      pigment: 'Pigmento y plan',
      sessions: 'Plan de sesiones',
      sessionSteps: [
        '1 · base ligera, de un tercio a la mitad de la densidad final',
        '2 · 10–30 días después: más densidad, afinar la línea',
        '3 · 10–30 días después: profundidad, algunos puntos más oscuros',
        'Retoque al cabo de un año o más',
      ],
      pair: 'Antes y después, a la escala del mapa',
      appendix: 'Anexo · el archivo de diseño (se abre con «Abrir diseño»)',
      appendixCut: '… (abreviado aquí; el archivo de diseño guardado lo contiene entero)',
    },
    sessionPlan: (n) => (n === 3 ? 'Resultado final (3 sesiones: base ligera, densidad, profundidad)' : `Se muestra la sesión ${n} de 3`),
    scaleEstimated: 'estimada, no medida',
    scaleMeasured: 'medida con las pupilas',
    linkCopied: 'Enlace copiado. Abre este diseño (su foto no va incluida).',
    linkReady: 'La dirección de la página ahora abre este diseño (su foto no va incluida).',
    cta: 'Reservar una consulta',
    consent: 'Incluir mi vista previa en tamaño completo con la solicitud',
    before: 'Antes',
    after: 'Después',
    point: (name) => `Mover ${name} (flechas; Mayús para 5 mm)`,
    handleRole: 'punto arrastrable',
    pointNames: [
      'el punto temporal izquierdo', 'la esquina izquierda', 'el frente izquierdo', 'el centro de la línea',
      'el frente derecho', 'la esquina derecha', 'el punto temporal derecho',
    ],
    pupilLeft: 'pupila izquierda',
    pupilRight: 'pupila derecha',
    live: (cm, dots) => `Línea a ${cm} cm sobre las cejas, ${dots} puntos`,
    alt: (style, cm, look) => `Su foto con una línea ${style} a ${cm} cm sobre las cejas, aspecto ${look}`,
    altEmpty: 'Todavía no hay foto',
    rendering: 'Dibujando…',
    exportReady: 'Imagen descargada.',
    designSaved: 'Diseño guardado.',
    designLoaded: 'Diseño cargado.',
    coreErrors: {
      imageTooLarge: (w, h, mp) => `Esta foto mide ${w}×${h} píxeles; esta página admite fotos de hasta ${mp} megapíxeles. Use una más pequeña.`,
      outOfMemory: 'Este dispositivo no tiene memoria para una foto tan grande. Use una foto más pequeña.',
      brushRadius: (min, max) => `El tamaño del pincel debe estar entre ${min} y ${max} mm.`,
      strokeLimit: (max) => `Un diseño admite como máximo ${max} trazos pintados. Deshaga algunos antes de pintar más.`,
      ipdRange: (min, max, a, b) => `La distancia entre las pupilas debe estar entre ${min} y ${max} mm (en la mayoría de los adultos, de ${a} a ${b} mm).`,
      pupilOutside: 'Los dos toques deben estar sobre la foto. Toque el centro de cada pupila.',
      pupilsTooClose: 'Los dos toques están demasiado juntos. Toque el centro de cada pupila, una después de la otra.',
      pupilsTilted: (deg) => `Los dos toques están inclinados más de ${deg}°. Toque el centro de cada pupila, una después de la otra.`,
    },
    errors: {
      notImage: 'Ese archivo no es una foto que podamos abrir. Elija una foto JPEG, PNG o WebP.',
      heic: 'Este navegador no puede abrir fotos HEIC. En un iPhone, comparta la foto como JPEG (o elija Ajustes › Cámara › Formatos › Más compatible) e inténtelo de nuevo.',
      corrupt: 'No se pudo leer esta foto. Puede estar dañada o incompleta; pruebe con otra.',
      empty: 'No se soltó nada. Arrastre un archivo de foto sobre la vista previa.',
      tooSmall: (w, h) => `Esta foto mide solo ${w}×${h} píxeles. Use una de al menos 200 píxeles.`,
      cancelled: 'La foto se quitó o se reemplazó antes de terminar de cargarse.',
      badDesign: 'No se pudo usar ese diseño: ',
      noPhoto: 'Primero agregue una foto.',
      internal: 'Algo falló dentro del visualizador. Su diseño se conserva; inténtelo de nuevo.',
      loadFailed: 'El visualizador no pudo iniciar. Recargue la página.',
      fetch: 'No se pudo cargar la foto desde esa dirección.',
      models: 'La búsqueda automática del rostro no está disponible. Toque sus dos pupilas.',
    exportFailed: 'No se pudo crear la imagen. Inténtelo de nuevo; si sigue fallando, recargue la página.',
    },
  },
};

/** The strings for `lang` ("es-MX" → "es"), falling back to English. */
export function strings(lang) {
  const base = String(lang || 'en').toLowerCase().split('-')[0];
  return STRINGS[base] || STRINGS.en;
}

// The core's design errors (src/error.rs: `code` and `params`), as a
// visitor reads them after "That design file could not be used: ".
// Numbers follow the language (Intl.NumberFormat: 0,3 in Spanish).
const FIELDS = {
  en: {
    version: 'version', style: 'style', height_mm: 'hairline height', recession_mm: 'temple recession',
    feather_mm: 'feather width', density: 'density', dot_mm: 'dot size', shade: 'shade', look: 'look',
    mode: 'treatment', buzz_cut: 'buzz cut', hair: 'remaining hair colour', session: 'session', seed: 'seed',
    symmetric: 'symmetry', adjust: 'line adjustments', zones: 'painted zones',
  },
  es: {
    version: 'versión', style: 'estilo', height_mm: 'altura de la línea', recession_mm: 'entradas',
    feather_mm: 'difuminado', density: 'densidad', dot_mm: 'tamaño del punto', shade: 'tono', look: 'aspecto',
    mode: 'tratamiento', buzz_cut: 'rapado', hair: 'color del cabello restante', session: 'sesión', seed: 'semilla',
    symmetric: 'simetría', adjust: 'ajustes de la línea', zones: 'zonas pintadas',
  },
};

const UNITS = { en: {}, es: { 'dots/cm²': 'puntos/cm²' } };

const DESIGN_ERRORS = {
  en: {
    'design-too-large': () => 'the file is too large to be a design',
    'design-not-json': () => 'it is not a design file (not valid JSON)',
    'design-not-object': () => 'it is not a design file',
    'design-no-version': (p, n) => `it has no design version (this widget reads version ${n(p.supported)})`,
    'design-version': (p, n) => `design version ${n(p.got)} is not supported (this widget reads version ${n(p.supported)})`,
    'design-unknown-field': (p, n, f) => `it has a setting this widget does not know (${f(p.field)})`,
    'design-missing-field': (p, n, f) => `the ${f(p.field)} is missing`,
    'design-wrong-value': (p, n, f) => `the ${f(p.field)} has a value this widget cannot use`,
    'out-of-range': (p, n, f) => `the ${f(p.field)} must be between ${n(p.min)} and ${n(p.max)}${p.unit ? ` ${p.unit}` : ''}; this file has ${n(p.got)}`,
    'bad-shade': (p) => `its shade “${p.got}” is not one of I to VI or a #rrggbb colour`,
    'unknown-style': (p) => `its hairline style “${p.got}” is not one this widget knows`,
    'point-too-far': () => 'a point of its line is too far from the preset',
    'too-many-strokes': (p, n) => `it has more than ${n(p.max)} painted strokes`,
    'too-many-stroke-points': (p, n) => `its painted strokes have more than ${n(p.max)} points`,
    'stroke-radius': (p, n) => `a painted stroke's brush must be between ${n(p.min)} and ${n(p.max)} mm`,
    'empty-stroke': () => 'a painted stroke has no points',
    'stroke-outside': () => 'a painted stroke lies outside the head',
  },
  es: {
    'design-too-large': () => 'el archivo es demasiado grande para ser un diseño',
    'design-not-json': () => 'no es un archivo de diseño (no es JSON válido)',
    'design-not-object': () => 'no es un archivo de diseño',
    'design-no-version': (p, n) => `no indica la versión del diseño (este visualizador lee la versión ${n(p.supported)})`,
    'design-version': (p, n) => `la versión ${n(p.got)} del diseño no es compatible (este visualizador lee la versión ${n(p.supported)})`,
    'design-unknown-field': (p, n, f) => `contiene un ajuste que este visualizador no conoce (${f(p.field)})`,
    'design-missing-field': (p, n, f) => `falta: ${f(p.field)}`,
    'design-wrong-value': (p, n, f) => `el valor de «${f(p.field)}» no se puede usar`,
    'out-of-range': (p, n, f) => `«${f(p.field)}» debe estar entre ${n(p.min)} y ${n(p.max)}${p.unit ? ` ${p.unit}` : ''}; este archivo tiene ${n(p.got)}`,
    'bad-shade': (p) => `su tono «${p.got}» no es uno de I a VI ni un color #rrggbb`,
    'unknown-style': (p) => `su estilo de línea «${p.got}» no es uno que este visualizador conozca`,
    'point-too-far': () => 'un punto de su línea está demasiado lejos del estilo',
    'too-many-strokes': (p, n) => `tiene más de ${n(p.max)} trazos pintados`,
    'too-many-stroke-points': (p, n) => `sus trazos pintados tienen más de ${n(p.max)} puntos`,
    'stroke-radius': (p, n) => `el pincel de un trazo debe medir entre ${n(p.min)} y ${n(p.max)} mm`,
    'empty-stroke': () => 'un trazo pintado no tiene puntos',
    'stroke-outside': () => 'un trazo pintado queda fuera de la cabeza',
  },
};

/**
 * A design error from the core (`code`, `params`) in `lang`, or null for a
 * code without a phrase here (the caller then keeps the core's message).
 */
export function designError(lang, code, params = {}) {
  const base = STRINGS[String(lang || 'en').toLowerCase().split('-')[0]] ? String(lang || 'en').toLowerCase().split('-')[0] : 'en';
  const phrase = DESIGN_ERRORS[base][code];
  if (!phrase) return null;
  const fmt = new Intl.NumberFormat(base, { maximumFractionDigits: 3 });
  // The core sends a version as it was written: a number in a string.
  const n = (x) => (typeof x === 'number' || /^-?\d+(\.\d+)?$/.test(x) ? fmt.format(Number(x)) : String(x));
  const f = (field) => FIELDS[base][field] || field;
  const unit = params.unit && (UNITS[base][params.unit] || params.unit);
  return phrase({ ...params, unit }, n, f);
}

/** `x` with `digits` decimals in the language of `t` (a `strings()` table):
 * "8.0" in English, "8,0" in Spanish. */
export function formatNumber(t, x, digits = 0) {
  return new Intl.NumberFormat(t.locale || 'en', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
}

// Every other core error code (src/error.rs), as a visitor reads it. Codes
// a visitor can only meet through a fault of ours read as the internal
// error; the rest say what to do. tests/e2e/spanish.spec.mjs checks that
// every code of src/error.rs has a phrase here or in DESIGN_ERRORS.
const internal = (t) => () => t.errors.internal;
const coreErrors = (t, n) => ({
  'image-empty': () => t.errors.corrupt,
  'image-too-large': (p) => t.coreErrors.imageTooLarge(p.width, p.height, n(p.maxMegapixels)),
  'image-too-small': (p) => t.errors.tooSmall(p.width, p.height),
  'out-of-memory': () => t.coreErrors.outOfMemory,
  'pixel-count': internal(t),
  'nothing-staged': internal(t),
  'no-working-copy': internal(t),
  'no-photo': () => t.errors.noPhoto,
  'view-size': internal(t),
  'view-rect': internal(t),
  'no-view': internal(t),
  'not-rendered': internal(t),
  'not-a-canvas': internal(t),
  'no-control-point': internal(t),
  'not-a-number': internal(t),
  'unknown-brush': internal(t),
  'brush-radius': (p) => t.coreErrors.brushRadius(n(p.min), n(p.max)),
  'stroke-limit': (p) => t.coreErrors.strokeLimit(n(p.max)),
  'no-stroke': internal(t),
  'ipd-out-of-range': (p) => t.coreErrors.ipdRange(n(p.min), n(p.max), n(p.typicalMin), n(p.typicalMax)),
  'pupil-outside': () => t.coreErrors.pupilOutside,
  'pupils-too-close': () => t.coreErrors.pupilsTooClose,
  'pupils-tilted': (p) => t.coreErrors.pupilsTilted(n(p.maxDegrees)),
  'no-face': () => t.autoPlaceErrors['no-face'],
  'several-faces': () => t.autoPlaceErrors['several-faces'],
  'face-too-small': () => t.autoPlaceErrors['face-too-small'],
  'face-turned': () => t.autoPlaceErrors['face-turned'],
  'face-invalid': () => t.autoPlaceErrors.invalid,
  stale: () => t.errors.cancelled,
  'models-invalid': () => t.errors.models,
  'segmentation-size': internal(t),
  'segmentation-invalid': internal(t),
  'field-invalid': internal(t),
  internal: internal(t),
});

/** Every core error code with a phrase, design errors included (for the test). */
export const coreErrorCodes = () => [...Object.keys(coreErrors(STRINGS.en, String)), ...Object.keys(DESIGN_ERRORS.en)];

/**
 * What a visitor reads for an error from the core (`code` and `params`, see
 * src/error.rs) in `lang`: a design error after "That design file could not
 * be used: ", any other code in its own words, and anything without a code
 * (a fault of ours) as the internal error. Never the core's English
 * message, which is for developers.
 */
export function visitorMessage(lang, e) {
  const t = strings(lang);
  const code = e?.reason || e?.code;
  const params = e?.params || {};
  const why = designError(lang, code, params);
  if (why) return t.errors.badDesign + why;
  const fmt = new Intl.NumberFormat(t.locale, { maximumFractionDigits: 1 });
  const phrase = coreErrors(t, (x) => (typeof x === 'number' ? fmt.format(x) : String(x)))[code];
  return phrase ? phrase(params) : t.errors.internal;
}
