/**
 * The operator map (MapLibre GL). Built-in offline basemap (basemap.json from Natural Earth,
 * US Census states and the Rio Grande extract) unless the operator chose a style URL; zones,
 * sensor coverage drawn on top of either. The map holds only that static picture, so it renders
 * only when the view moves.
 *
 * Tracks (trails, course leaders, rings, symbols, badges) are drawn by a canvas-2D overlay above
 * the map (trackOverlay.ts), redrawn at most once per animation frame when the picture or the
 * view changed; clicks on tracks are hit-tested there. Text is never drawn by the map (no glyphs
 * to fetch): the few labels are HTML markers.
 */
import { AttributionControl, Map as MlMap, Marker, NavigationControl, ScaleControl, type GeoJSONSource, type StyleSpecification } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { Feature, FeatureCollection, Geometry, LineString, Position } from 'geojson';
import type { Basemap, BasemapLabel } from '../../../scripts/basemap.mjs';
import { prefs } from '../prefs.js';
import type { BlueForcePosition, SensorInfo, TrackHistoryPoint, TrackView } from '../types.js';
import { SENSOR_COLOUR } from '../format.js';
import { hatchImage, sidcOfCotType, symbolCanvas } from './symbols.js';
import { latOf, lonOf, mercX, mercY, TrackOverlay, type Affine } from './trackOverlay.js';

export type LayerGroup = keyof typeof prefs.layers;

export interface MapCallbacks {
  select(trackId: number): void;
  failed(reason: string): void;
  /** The style is loaded and the overlays are on it. */
  ready(): void;
}

/** Above this many tracks on screen, only the most threatening get a trail and a course leader. */
export const MAX_LINED = 400;

/** Dark drones given an animated ring (beyond that the static magenta ring and badge remain). */
const MAX_PULSES = 60;

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

export interface WebGlInfo {
  /** Why the map cannot run here, or null. */
  problem: string | null;
  renderer: string;
  /** Rendered by the CPU (SwiftShader, llvmpipe): every map render is expensive. */
  software: boolean;
}

/** Whether this browser can give the map a WebGL context at all, and what renders it. */
export function probeWebGl(): WebGlInfo {
  try {
    const c = document.createElement('canvas');
    const gl = (c.getContext('webgl2') ?? c.getContext('webgl')) as WebGLRenderingContext | null;
    if (!gl) return { problem: 'this browser could not create a WebGL context (WebGL disabled, blocked, or no usable GPU driver)', renderer: '', software: false };
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { problem: null, renderer, software: /swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer) };
  } catch (err) {
    return { problem: `WebGL failed: ${(err as Error).message}`, renderer: '', software: false };
  }
}

function builtinStyle(): StyleSpecification {
  return {
    version: 8,
    name: 'Centinela offline',
    sources: {},
    // No background layer: the sea is the map element's CSS background (one full-screen pass
    // fewer per render), the land is drawn over it.
    layers: [],
  };
}

/** A circle of `radiusM` around a point as a polygon (true metres at any zoom). */
function circlePolygon(lon: number, lat: number, radiusM: number, n = 64): Position[][] {
  const ring: Position[] = [];
  const dLat = radiusM / 111_320;
  const dLon = radiusM / (111_320 * Math.cos((lat * Math.PI) / 180));
  for (let i = 0; i <= n; i++) {
    const a = (i / n) * 2 * Math.PI;
    ring.push([lon + dLon * Math.cos(a), lat + dLat * Math.sin(a)]);
  }
  return [ring];
}

/**
 * The two sides of a border line as polygons, for a tint that follows the river at close range
 * (the 1:10 M country outlines are kilometres off there). Each is the line closed far out on its
 * side, the ends first extended along the line's overall direction. Metres in a local flat frame
 * are plenty for a tint.
 */
function sidePolygons(coords: Position[], extendM = 30_000, farM = 80_000): [Position[][], Position[][]] | null {
  const n = coords.length;
  if (n < 2) return null;
  const lat0 = (coords[0][1] + coords[n - 1][1]) / 2;
  const kx = 111_320 * Math.cos((lat0 * Math.PI) / 180);
  const ky = 110_574;
  let dx = (coords[n - 1][0] - coords[0][0]) * kx;
  let dy = (coords[n - 1][1] - coords[0][1]) * ky;
  const len = Math.hypot(dx, dy);
  if (len === 0) return null;
  dx /= len;
  dy /= len;
  const at = (p: Position, ex: number, ey: number): Position => [p[0] + ex / kx, p[1] + ey / ky];
  const s = at(coords[0], -dx * extendM, -dy * extendM);
  const t = at(coords[n - 1], dx * extendM, dy * extendM);
  const side = (sgn: number): Position[][] => {
    // Left normal of (dx, dy) is (−dy, dx).
    const nx = -dy * sgn * farM;
    const ny = dx * sgn * farM;
    return [[s, ...coords, t, at(t, nx, ny), at(s, nx, ny), s]];
  };
  return [side(1), side(-1)];
}

const tintOf = (side: string): string => (/^(us|usa|united states)$/i.test(side) ? 'us' : /^(mx|mex|mexico|méxico)$/i.test(side) ? 'mx' : 'other');

type ZoneKind = 'border' | 'site' | 'no-fly' | 'corridor' | 'other';

function zoneKind(props: Record<string, unknown>, geometry: Geometry): ZoneKind {
  const k = String(props.kind ?? props.type ?? props.zoneKind ?? '').toLowerCase();
  if (k.includes('border')) return 'border';
  if (k.includes('no-fly') || k.includes('nofly') || k.includes('restricted')) return 'no-fly';
  if (k.includes('corridor')) return 'corridor';
  if (k.includes('site') || k.includes('protected') || geometry.type === 'Point') return 'site';
  if (geometry.type === 'LineString' || geometry.type === 'MultiLineString') return 'corridor';
  return 'other';
}

export class MapView {
  map: MlMap | null = null;
  failed = false;
  gl: WebGlInfo = { problem: null, renderer: '', software: false };
  private styleReady = false;
  private builtin = true;
  private basemap: Basemap | null = null;
  private zones: FeatureCollection | null = null;
  private sensors: SensorInfo[] = [];
  /** The activity heatmap's points (setActivity). */
  private activity: FeatureCollection = EMPTY;
  private labels: { marker: Marker; label: BasemapLabel; shown: boolean }[] = [];
  private zoneMarkers: { marker: Marker; minZoom: number; shown: boolean }[] = [];
  /** Friendly units from TAK, by uid: a 2525 symbol and the callsign (setBlueForce). */
  private blueMarkers = new Map<string, { marker: Marker; shown: boolean }>();
  private selected: number | null = null;
  private selectionMarker: Marker | null = null;
  private history: TrackHistoryPoint[] = [];
  private readonly dpr = Math.min(2, Math.max(1, Math.round(window.devicePixelRatio || 1)));
  /** The tracks' canvas over the map. */
  overlay: TrackOverlay | null = null;
  private readonly pulses = new Map<number, Marker>();
  private pendingBounds: [[number, number], [number, number]] | null = null;

  constructor(private readonly container: HTMLElement, private readonly cb: MapCallbacks) {}

  /** Creates the map; false (and the fallback callback) when WebGL is not there. */
  start(styleUrl: string | null): boolean {
    this.gl = probeWebGl();
    if (this.gl.problem) {
      this.fail(this.gl.problem);
      return false;
    }
    // Software WebGL: no continuous animations over the map (each composited frame is costly).
    document.body.classList.toggle('soft-gl', this.gl.software);
    this.builtin = !styleUrl;
    let map: MlMap;
    try {
      map = new MlMap({
        container: this.container,
        style: styleUrl || builtinStyle(),
        center: [-98.25, 26.1],
        zoom: 10,
        maxPitch: 0,
        dragRotate: false,
        pitchWithRotate: false,
        touchPitch: false,
        renderWorldCopies: false,
        fadeDuration: 0,
        attributionControl: false,
        canvasContextAttributes: { antialias: false, preserveDrawingBuffer: false },
      });
    } catch (err) {
      this.fail(`the map could not start: ${(err as Error).message}`);
      return false;
    }
    this.map = map;
    map.touchZoomRotate.disableRotation();
    map.keyboard.disable(); // the app owns the keyboard shortcuts
    map.addControl(new NavigationControl({ showCompass: false }), 'bottom-right');
    map.addControl(new ScaleControl({ unit: prefs.units === 'imperial' ? 'imperial' : 'metric' }), 'bottom-left');
    map.addControl(new AttributionControl({ compact: true, customAttribution: this.attribution() }), 'bottom-right');
    const canvas = map.getCanvas();
    canvas.setAttribute('data-testid', 'map-canvas');
    canvas.id = 'map-canvas';

    // The tracks' overlay: inside the map's canvas container (so HTML markers stay above it),
    // redrawn in the map's own render when the view moved, so both move together.
    const overlay = new TrackOverlay(map.getCanvasContainer(), this.container, { affine: () => this.affine(), zoom: () => map.getZoom() }, this.dpr);
    this.overlay = overlay;
    map.on('render', () => overlay.draw());
    map.on('resize', () => overlay.draw());

    map.on('style.load', () => this.installAll());
    map.on('error', (e) => {
      const msg = String((e.error as Error | undefined)?.message ?? '');
      if (/webgl/i.test(msg)) this.fail(`WebGL error: ${msg}`);
      else if (!this.styleReady && !this.builtin) {
        // The operator's style could not be loaded (offline?): fall back to the built-in map.
        console.warn('basemap style failed, using the built-in map:', msg);
        this.setStyleUrl(null);
      }
    });
    map.on('webglcontextlost', () => this.fail('the map lost its WebGL context (GPU reset or too many WebGL pages)'));
    map.on('zoomend', () => this.updateLabelVisibility());
    map.on('moveend', () => this.updateLabelVisibility());

    map.on('click', (e) => {
      const id = overlay.hit(e.point.x, e.point.y);
      if (id !== null) this.cb.select(id);
    });
    map.on('mousemove', (e) => {
      canvas.style.cursor = overlay.hit(e.point.x, e.point.y) !== null ? 'pointer' : '';
    });
    return true;
  }

  /**
   * Web Mercator (0‥1) → screen pixels, from three points the map projects (exact without pitch,
   * whatever the bearing or padding).
   */
  private affine(): Affine | null {
    const map = this.map;
    if (!map) return null;
    const c = map.getCenter();
    const x0 = mercX(c.lng);
    const y0 = mercY(c.lat);
    const d = 256 / (512 * 2 ** map.getZoom());
    const p0 = map.project([lonOf(x0), latOf(y0)]);
    const p1 = map.project([lonOf(x0 + d), latOf(y0)]);
    const p2 = map.project([lonOf(x0), latOf(y0 + d)]);
    const a = (p1.x - p0.x) / d;
    const cc = (p1.y - p0.y) / d;
    const b = (p2.x - p0.x) / d;
    const dd = (p2.y - p0.y) / d;
    if (![a, b, cc, dd].every(Number.isFinite)) return null;
    return [a, b, cc, dd, p0.x - a * x0 - b * y0, p0.y - cc * x0 - dd * y0];
  }

  /** Redraws the tracks' overlay if the picture or the view changed (call once per frame). */
  drawOverlay(): boolean {
    return this.overlay?.draw() ?? false;
  }

  private fail(reason: string): void {
    if (this.failed) return;
    this.failed = true;
    this.cb.failed(reason);
  }

  private attribution(): string[] {
    return this.basemap?.attribution ?? ['Natural Earth', 'US Census Bureau', 'Rio Grande © OpenStreetMap contributors, ODbL'];
  }

  /** Switches the basemap: a MapLibre style URL, or null for the built-in offline map. */
  setStyleUrl(url: string | null): void {
    if (!this.map) return;
    this.builtin = !url;
    this.styleReady = false;
    this.map.setStyle(url || builtinStyle(), { diff: false });
  }

  get usingBuiltin(): boolean {
    return this.builtin;
  }

  setBasemap(b: Basemap): void {
    this.basemap = b;
    if (this.styleReady && this.builtin) this.installBasemap();
    this.makeLabels();
  }

  fitBounds(bounds: [[number, number], [number, number]]): void {
    if (!this.map) return;
    if (!this.styleReady) {
      this.pendingBounds = bounds;
      this.map.jumpTo(this.map.cameraForBounds(bounds, { padding: 40 }) ?? {});
      return;
    }
    this.map.fitBounds(bounds, { padding: 40, duration: 0 });
  }

  /** Flies to a point, centred in the part of the map the track panel leaves free. */
  flyTo(lon: number, lat: number, minZoom = 13): void {
    if (!this.map) return;
    const panel = document.getElementById('track-panel');
    const left = panel && !panel.classList.contains('hidden') ? panel.getBoundingClientRect().width + 10 : 0;
    this.map.flyTo({ center: [lon, lat], zoom: Math.max(this.map.getZoom(), minZoom), speed: 2.2, essential: true, padding: { left, top: 0, right: 0, bottom: 0 } });
  }

  setZones(fc: FeatureCollection): void {
    this.zones = fc;
    if (this.styleReady) {
      this.refreshOverlay();
      this.makeZoneMarkers();
    }
  }

  setSensors(sensors: SensorInfo[]): void {
    this.sensors = sensors;
    this.refreshOverlay();
  }

  /**
   * The activity heatmap's cells (GET /api/activity): a point per cell weighted by its
   * track-seconds on a log scale against the busiest cell, so one hovering drone does not hide
   * every route.
   */
  setActivity(cells: { latDeg: number; lonDeg: number; trackSeconds: number }[]): void {
    let max = 1;
    for (const c of cells) max = Math.max(max, c.trackSeconds);
    const norm = Math.log1p(max);
    this.activity = {
      type: 'FeatureCollection',
      features: cells.map((c) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [c.lonDeg, c.latDeg] }, properties: { w: Math.log1p(c.trackSeconds) / norm } })),
    };
    if (this.styleReady) (this.map?.getSource('activity') as GeoJSONSource | undefined)?.setData(this.activity);
  }

  /** Friendly units (GET /api/blueforce): markers appear, move and go with the reports. */
  setBlueForce(units: readonly BlueForcePosition[]): void {
    const seen = new Set<string>();
    for (const u of units) {
      seen.add(u.uid);
      let m = this.blueMarkers.get(u.uid);
      if (!m) {
        const el = document.createElement('div');
        el.className = 'bf-marker';
        el.dataset.uid = u.uid;
        // A copy of the cached symbol (a canvas element can sit in one marker only), at CSS size.
        const src = symbolCanvas(sidcOfCotType(u.type), this.dpr);
        const icon = document.createElement('canvas');
        icon.width = src.width;
        icon.height = src.height;
        icon.style.width = `${src.width / this.dpr}px`;
        icon.getContext('2d')!.drawImage(src, 0, 0);
        el.append(icon, Object.assign(document.createElement('span'), { textContent: u.callsign ?? u.uid }));
        m = { marker: new Marker({ element: el, anchor: 'center' }), shown: false };
        this.blueMarkers.set(u.uid, m);
      }
      const el = m.marker.getElement();
      el.title = `${u.callsign ?? u.uid} (${u.type}) · ${new Date(u.timeMs).toISOString().slice(11, 19)}Z${u.ceM !== null ? ` · ±${u.ceM.toFixed(0)} m` : ''}${u.group ? ` · ${u.group.name} ${u.group.role}` : ''}`;
      m.marker.setLngLat([u.lonDeg, u.latDeg]);
    }
    for (const [uid, m] of this.blueMarkers) {
      if (seen.has(uid)) continue;
      m.marker.remove();
      this.blueMarkers.delete(uid);
    }
    this.updateLabelVisibility();
  }

  setLayerVisible(group: LayerGroup, visible: boolean): void {
    prefs.layers[group] = visible;
    this.applyVisibility();
  }

  private applyVisibility(): void {
    const map = this.map;
    if (!map || !this.styleReady) return;
    const groups: Record<LayerGroup, string[]> = {
      zones: ['zone-side-us', 'zone-side-mx', 'zone-side-other', 'zone-nofly-fill', 'zone-nofly-line', 'zone-site-fill', 'zone-site-line', 'zone-other-fill', 'zone-other-line', 'zone-corridor', 'zone-border-river', 'zone-border-line'],
      coverage: ['cov-line', 'cov-sensors'],
      activity: ['activity-heat'],
      blueforce: [], // HTML markers (setBlueForce)
      trails: [], // drawn by the track overlay
      leaders: [],
      labels: [],
    };
    for (const [group, layers] of Object.entries(groups) as [LayerGroup, string[]][]) {
      for (const id of layers) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', prefs.layers[group] ? 'visible' : 'none');
    }
    this.updateLabelVisibility();
  }

  // ── style installation ──

  private installAll(): void {
    const map = this.map!;
    this.styleReady = true;
    if (this.builtin) this.installBasemap();
    this.addImages();
    this.installOverlays();
    this.applyVisibility();
    this.makeZoneMarkers();
    this.updateLabelVisibility();
    if (this.pendingBounds) {
      map.fitBounds(this.pendingBounds, { padding: 40, duration: 0 });
      this.pendingBounds = null;
    }
    this.cb.ready();
  }

  private installBasemap(): void {
    const map = this.map!;
    const b = this.basemap;
    if (!b || map.getSource('bm')) return;
    const before = map.getLayer('zone-side-us') ? 'zone-side-us' : undefined;
    // One source for the whole basemap: MapLibre redraws its tile clipping masks whenever the
    // source changes from one layer to the next, a full-screen pass each (costly in software GL).
    const features: Feature[] = [
      ...b.countries.features.map((f) => ({ ...f, properties: { ...f.properties, kind: 'land' } })),
      ...b.lines.features,
      ...b.river.features.map((f) => ({ ...f, properties: { ...f.properties, kind: 'river' } })),
    ];
    map.addSource('bm', { type: 'geojson', data: { type: 'FeatureCollection', features }, maxzoom: 12 });
    const add = (layer: Parameters<MlMap['addLayer']>[0]) => map.addLayer(layer, before);
    // Land, tinted by country when zoomed out; at close range the outlines (1:10 M) are too coarse
    // to say which bank is which, and the border's own side tint (zones) takes over. One layer per
    // tint with a constant colour: opaque fills are drawn in MapLibre's depth-tested opaque pass,
    // which matters where WebGL is software-rendered (no overdraw of the whole screen).
    const land: [string, string, string][] = [['us', '#17212e', '#181d25'], ['mx', '#241f1c', '#181d25'], ['other', '#191e25', '#181d25']];
    for (const [tint, far, near] of land) {
      add({
        id: `bm-land-${tint}`,
        type: 'fill',
        source: 'bm',
        filter: ['all', ['==', ['get', 'kind'], 'land'], ['==', ['get', 'tint'], tint]],
        paint: { 'fill-color': ['interpolate', ['linear'], ['zoom'], 8, far, 9.5, near], 'fill-antialias': false },
      });
    }
    add({
      id: 'bm-state',
      type: 'line',
      source: 'bm',
      filter: ['==', ['get', 'kind'], 'state'],
      paint: { 'line-color': '#3b4b5e', 'line-width': ['interpolate', ['linear'], ['zoom'], 4, 0.6, 10, 1.4], 'line-dasharray': [4, 2] },
    });
    add({
      id: 'bm-country',
      type: 'line',
      source: 'bm',
      filter: ['==', ['get', 'kind'], 'country'],
      paint: { 'line-color': '#7b8a9c', 'line-width': 1 },
    });
    // The Rio Grande: the coarse line east of El Paso, the detailed extract at the sector.
    const riverWidth = ['interpolate', ['exponential', 1.6], ['zoom'], 4, 1.2, 9, 2.5, 13, 7, 16, 16] as unknown as number;
    add({ id: 'bm-river-coarse', type: 'line', source: 'bm', filter: ['==', ['get', 'kind'], 'usmx-river'], layout: { 'line-join': 'round', 'line-cap': 'round' }, paint: { 'line-color': '#2c7bbf', 'line-width': riverWidth } });
    add({ id: 'bm-river', type: 'line', source: 'bm', filter: ['==', ['get', 'kind'], 'river'], layout: { 'line-join': 'round', 'line-cap': 'round' }, paint: { 'line-color': '#2c7bbf', 'line-width': riverWidth } });
    // The international boundary itself: on land a solid line, on the river a dashed one along it.
    add({ id: 'bm-usmx-land', type: 'line', source: 'bm', filter: ['==', ['get', 'kind'], 'usmx-land'], paint: { 'line-color': '#d5dde6', 'line-width': 1.8 } });
    add({ id: 'bm-usmx-river', type: 'line', source: 'bm', filter: ['==', ['get', 'kind'], 'usmx-river'], paint: { 'line-color': '#d5dde6', 'line-width': 1, 'line-dasharray': [3, 3], 'line-opacity': 0.8 } });
    add({ id: 'bm-river-border', type: 'line', source: 'bm', filter: ['==', ['get', 'kind'], 'river'], paint: { 'line-color': '#d5dde6', 'line-width': 1, 'line-dasharray': [3, 3], 'line-opacity': 0.8 } });
  }

  private addImages(): void {
    const map = this.map!;
    const s = this.dpr;
    const add = (id: string, img: ImageData) => {
      if (!map.hasImage(id)) map.addImage(id, img, { pixelRatio: s });
    };
    add('hatch-nofly', hatchImage('rgba(255,82,82,0.55)', s));
  }

  private installOverlays(): void {
    const map = this.map!;
    // Zones, coverage and the selected track's path share one source (see installBasemap).
    map.addSource('ovl', { type: 'geojson', data: this.overlayFeatures(), maxzoom: 14 });

    // Sensor coverage.
    const kindColour = ['match', ['get', 'kind'], ...Object.entries(SENSOR_COLOUR).flat(), '#9e9e9e'] as unknown as string;
    // Outlines only: a translucent fill per sensor would cover the screen several times over.
    map.addLayer({ id: 'cov-line', type: 'line', source: 'ovl', filter: ['==', ['get', 'zk'], 'cov'], paint: { 'line-color': kindColour, 'line-opacity': 0.4, 'line-width': 1, 'line-dasharray': [2, 2] } });
    map.addLayer({ id: 'cov-sensors', type: 'circle', source: 'ovl', filter: ['==', ['get', 'zk'], 'sensor'], paint: { 'circle-radius': 4, 'circle-color': kindColour, 'circle-stroke-color': '#0b1624', 'circle-stroke-width': 1.5 } });

    // Zones: the sides of the border first (a tint that follows the river when zoomed in).
    // Opaque over the built-in map (cheap: depth-tested), a light veil over someone else's tiles.
    const veil = this.builtin ? 1 : 0.18;
    for (const [tint, colour] of [['us', '#1a2a3c'], ['mx', '#2e2419'], ['other', '#24272c']]) {
      map.addLayer(
        {
          id: `zone-side-${tint}`,
          type: 'fill',
          source: 'ovl',
          minzoom: 7,
          filter: ['all', ['==', ['get', 'zk'], 'side'], ['==', ['get', 'tint'], tint]],
          paint: { 'fill-color': colour, 'fill-opacity': ['interpolate', ['linear'], ['zoom'], 7, 0, 9, veil], 'fill-antialias': false },
        },
        'cov-line',
      );
    }
    // Where drones flew (the activity heatmap): over the sides' tint, under everything else.
    map.addSource('activity', { type: 'geojson', data: this.activity });
    map.addLayer(
      {
        id: 'activity-heat', type: 'heatmap', source: 'activity',
        paint: {
          'heatmap-weight': ['get', 'w'],
          // Cells are a few hundred metres: the blur should cover about one at every zoom.
          'heatmap-radius': ['interpolate', ['exponential', 2], ['zoom'], 8, 4, 12, 30, 15, 160],
          'heatmap-intensity': ['interpolate', ['linear'], ['zoom'], 8, 0.8, 14, 1.6],
          'heatmap-opacity': 0.75,
          'heatmap-color': ['interpolate', ['linear'], ['heatmap-density'], 0, 'rgba(0,0,0,0)', 0.15, '#3b1f6e', 0.4, '#8e2a8c', 0.65, '#e0523a', 0.9, '#fbb13c', 1, '#fff3b0'],
        },
      },
      'cov-line',
    );
    const crit = ['match', ['get', 'criticality'], 'critical', '#ff5252', 'high', '#ffab40', '#ffd740'] as unknown as string;
    map.addLayer({ id: 'zone-nofly-fill', type: 'fill', source: 'ovl', filter: ['==', ['get', 'zk'], 'no-fly'], paint: { 'fill-pattern': 'hatch-nofly' } });
    map.addLayer({ id: 'zone-nofly-line', type: 'line', source: 'ovl', filter: ['==', ['get', 'zk'], 'no-fly'], paint: { 'line-color': '#ff5252', 'line-width': 1.5 } });
    map.addLayer({ id: 'zone-other-fill', type: 'fill', source: 'ovl', filter: ['all', ['==', ['get', 'zk'], 'other'], ['==', ['geometry-type'], 'Polygon']], paint: { 'fill-color': '#b39ddb', 'fill-opacity': 0.08 } });
    map.addLayer({ id: 'zone-other-line', type: 'line', source: 'ovl', filter: ['==', ['get', 'zk'], 'other'], paint: { 'line-color': '#b39ddb', 'line-width': 1 } });
    map.addLayer({ id: 'zone-site-fill', type: 'fill', source: 'ovl', filter: ['==', ['get', 'zk'], 'site'], paint: { 'fill-color': crit, 'fill-opacity': 0.12 } });
    map.addLayer({ id: 'zone-site-line', type: 'line', source: 'ovl', filter: ['==', ['get', 'zk'], 'site'], paint: { 'line-color': crit, 'line-width': 1.5, 'line-dasharray': [3, 2] } });
    map.addLayer({ id: 'zone-corridor', type: 'line', source: 'ovl', filter: ['==', ['get', 'zk'], 'corridor'], paint: { 'line-color': '#ffab40', 'line-width': 2, 'line-dasharray': [1, 2], 'line-opacity': 0.7 } });
    const riverWidth = ['interpolate', ['exponential', 1.6], ['zoom'], 4, 1.2, 9, 2.5, 13, 7, 16, 16] as unknown as number;
    map.addLayer({ id: 'zone-border-river', type: 'line', source: 'ovl', filter: ['==', ['get', 'zk'], 'border'], layout: { 'line-join': 'round', 'line-cap': 'round' }, paint: { 'line-color': '#2c7bbf', 'line-width': riverWidth } });
    map.addLayer({ id: 'zone-border-line', type: 'line', source: 'ovl', filter: ['==', ['get', 'zk'], 'border'], paint: { 'line-color': '#e8eef5', 'line-width': 1.2, 'line-dasharray': [3, 3] } });

    // Selected track's stored path.
    map.addLayer({ id: 'sel-history', type: 'line', source: 'ovl', filter: ['==', ['get', 'zk'], 'hist'], layout: { 'line-join': 'round' }, paint: { 'line-color': '#ffffff', 'line-width': 2, 'line-opacity': 0.55, 'line-dasharray': [1, 1.5] } });
  }

  /** Bigger symbols for a wall display (kiosk mode, big screens). */
  setSymbolScale(k: number): void {
    this.overlay?.setSymbolScale(k);
  }

  // ── data → features ──

  private refreshOverlay(): void {
    if (this.styleReady) (this.map?.getSource('ovl') as GeoJSONSource | undefined)?.setData(this.overlayFeatures());
  }

  private overlayFeatures(): FeatureCollection {
    return { type: 'FeatureCollection', features: [...this.zoneFeatures().features, ...this.coverageFeatures().features, ...this.historyFeatures().features] };
  }

  private zoneFeatures(): FeatureCollection {
    if (!this.zones) return EMPTY;
    const out: Feature[] = [];
    for (const f of this.zones.features) {
      if (!f.geometry) continue;
      const props = { ...(f.properties ?? {}) } as Record<string, unknown>;
      const zk = zoneKind(props, f.geometry);
      const p = { ...props, zk, sides: undefined };
      if (zk === 'border' && f.geometry.type === 'LineString') {
        const sides = (props.sides ?? {}) as Record<string, string>;
        const polys = sidePolygons(f.geometry.coordinates);
        if (polys) {
          const names = [sides.left ?? sides.north ?? '', sides.right ?? sides.south ?? ''];
          polys.forEach((poly, i) => out.unshift({ type: 'Feature', properties: { zk: 'side', side: names[i], tint: tintOf(names[i]) }, geometry: { type: 'Polygon', coordinates: poly } }));
        }
      }
      if (f.geometry.type === 'Point') {
        const [lon, lat] = f.geometry.coordinates;
        const r = Number(props.radiusM ?? props.radius_m ?? 300);
        out.push({ type: 'Feature', properties: p, geometry: { type: 'Polygon', coordinates: circlePolygon(lon, lat, r) } });
      } else out.push({ type: 'Feature', properties: p, geometry: f.geometry });
    }
    return { type: 'FeatureCollection', features: out };
  }

  private coverageFeatures(): FeatureCollection {
    const out: Feature[] = [];
    for (const s of this.sensors) {
      if (s.coverage) out.push({ type: 'Feature', properties: { zk: 'cov', id: s.id, kind: s.kind }, geometry: s.coverage });
      out.push({ type: 'Feature', properties: { zk: 'sensor', id: s.id, kind: s.kind }, geometry: { type: 'Point', coordinates: [s.lonDeg, s.latDeg] } });
    }
    return { type: 'FeatureCollection', features: out };
  }

  private historyFeatures(): FeatureCollection {
    if (this.history.length < 2) return EMPTY;
    const line: LineString = { type: 'LineString', coordinates: this.history.map((p) => [p.lonDeg, p.latDeg]) };
    return { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { zk: 'hist' }, geometry: line }] };
  }

  /**
   * A new picture: symbols, course leaders and (when given, else the previous ones) trails, drawn
   * by the overlay at once (no map render). Call at most once per frame.
   * With many tracks, trails and leaders are drawn for the most threatening ones only (and the
   * selected one): they are most of the drawing, and a picture of 2,000 trails is noise.
   */
  setTracks(tracks: readonly TrackView[], trails?: ReadonlyMap<number, number[]>): void {
    this.overlay?.setTracks(tracks, this.linedTracks(tracks), prefs.layers.leaders, trails);
    this.overlay?.draw();
    this.moveSelectionMarker(tracks);
    this.updatePulses(tracks);
  }

  /** The tracks that get a trail and a leader: all, or the MAX_LINED most threatening + the selected. */
  private linedTracks(tracks: readonly TrackView[]): readonly TrackView[] {
    if (tracks.length <= MAX_LINED) return tracks;
    const out = [...tracks].sort((a, b) => b.threat.score - a.threat.score).slice(0, MAX_LINED);
    const sel = this.selected;
    if (sel !== null && !out.some((t) => t.trackId === sel)) {
      const t = tracks.find((x) => x.trackId === sel);
      if (t) out.push(t);
    }
    return out;
  }

  setSelected(id: number | null): void {
    this.selected = id;
    this.overlay?.setSelected(id);
    if (id === null) {
      this.history = [];
      this.selectionMarker?.remove();
      this.selectionMarker = null;
    }
    if (!this.map || !this.styleReady) return;
    if (id === null) this.refreshOverlay();
  }

  setHistory(points: TrackHistoryPoint[]): void {
    this.history = points;
    this.refreshOverlay();
  }

  /** A small HTML label beside the selected track (its id and class). */
  private moveSelectionMarker(tracks: readonly TrackView[]): void {
    if (this.selected === null || !this.map) return;
    const t = tracks.find((x) => x.trackId === this.selected);
    if (!t) {
      // Out of the picture (ended, filtered out): no label where it was.
      this.selectionMarker?.remove();
      this.selectionMarker = null;
      return;
    }
    if (!this.selectionMarker) {
      const el = document.createElement('div');
      el.className = 'sel-label';
      el.setAttribute('data-testid', 'selected-label');
      this.selectionMarker = new Marker({ element: el, anchor: 'top', offset: [0, 22] }).setLngLat([t.lonDeg, t.latDeg]).addTo(this.map);
    }
    this.selectionMarker.getElement().textContent = `T${t.trackId}${t.dark ? ' · DARK' : ''}`;
    this.selectionMarker.setLngLat([t.lonDeg, t.latDeg]);
  }

  /**
   * The dark drones' pulse: a CSS-animated HTML ring per dark drone (a handful), so the WebGL
   * map is not re-rendered every frame for an animation (software-rendered maps can't afford it).
   */
  private updatePulses(tracks: readonly TrackView[]): void {
    const map = this.map;
    if (!map) return;
    const seen = new Set<number>();
    for (const t of tracks) {
      if (!t.dark || seen.size >= MAX_PULSES) continue;
      seen.add(t.trackId);
      let m = this.pulses.get(t.trackId);
      if (!m) {
        // The marker positions its element with a transform; the animation runs on a child.
        const el = document.createElement('div');
        el.className = 'dark-pulse-at';
        el.setAttribute('data-testid', 'dark-pulse');
        el.append(document.createElement('div'));
        el.firstElementChild!.className = 'dark-pulse';
        m = new Marker({ element: el }).setLngLat([t.lonDeg, t.latDeg]).addTo(map);
        this.pulses.set(t.trackId, m);
      } else m.setLngLat([t.lonDeg, t.latDeg]);
    }
    for (const [id, m] of this.pulses) {
      if (!seen.has(id)) {
        m.remove();
        this.pulses.delete(id);
      }
    }
  }

  // ── HTML labels ──

  private makeLabels(): void {
    if (!this.map || !this.basemap) return;
    for (const l of this.labels) l.marker.remove();
    this.labels = this.basemap.labels.map((label) => {
      const el = document.createElement('div');
      el.className = `map-label ml-${label.kind}${label.side ? ` side-${label.side.toLowerCase()}` : ''}`;
      el.textContent = label.text;
      return { marker: new Marker({ element: el }).setLngLat([label.lon, label.lat]), label, shown: false };
    });
    this.updateLabelVisibility();
  }

  private makeZoneMarkers(): void {
    const map = this.map;
    if (!map || !this.zones) return;
    for (const z of this.zoneMarkers) z.marker.remove();
    this.zoneMarkers = [];
    for (const f of this.zones.features) {
      if (!f.geometry) continue;
      const props = (f.properties ?? {}) as Record<string, unknown>;
      const zk = zoneKind(props, f.geometry);
      if (zk === 'border' && f.geometry.type === 'LineString') this.sideLabels(f.geometry.coordinates, props);
      else if (zk === 'site' || zk === 'no-fly') {
        const at = f.geometry.type === 'Point' ? f.geometry.coordinates : f.geometry.type === 'Polygon' ? f.geometry.coordinates[0][0] : null;
        const name = String(props.name ?? props.id ?? '');
        if (!at || !name) continue;
        const el = document.createElement('div');
        el.className = `map-label zone-label ${zk}`;
        el.textContent = name;
        el.title = name;
        this.zoneMarkers.push({ marker: new Marker({ element: el, anchor: 'top', offset: [0, 6] }).setLngLat(at as [number, number]), minZoom: 12, shown: false });
      }
    }
    this.updateLabelVisibility();
  }

  /**
   * "US" / "MX" either side of the border line, a pixel offset off it, at straight stretches only
   * (on a meander a fixed offset would land on the wrong bank): points where the line runs within
   * 120 m of its chord for 1.2 km either way, spaced along it.
   */
  private sideLabels(coords: Position[], props: Record<string, unknown>): void {
    const sides = (props.sides ?? {}) as Record<string, string>;
    const left = sides.left ?? sides.north ?? String(props.left ?? 'US');
    const right = sides.right ?? sides.south ?? String(props.right ?? 'MX');
    const n = coords.length;
    if (n < 3) return;
    const kx = 111_320 * Math.cos((coords[0][1] * Math.PI) / 180);
    const ky = 110_574;
    const xy = coords.map((c) => [c[0] * kx, c[1] * ky]);
    // Cumulative length along the line [m].
    const along = [0];
    for (let i = 1; i < n; i++) along.push(along[i - 1] + Math.hypot(xy[i][0] - xy[i - 1][0], xy[i][1] - xy[i - 1][1]));
    const total = along[n - 1];
    const HALF = 1200;
    const straightAt = (i: number): [number, number] | null => {
      let a = i;
      let b = i;
      while (a > 0 && along[i] - along[a] < HALF) a--;
      while (b < n - 1 && along[b] - along[i] < HALF) b++;
      if (along[i] - along[a] < HALF || along[b] - along[i] < HALF) return null;
      const dx = xy[b][0] - xy[a][0];
      const dy = xy[b][1] - xy[a][1];
      const len = Math.hypot(dx, dy);
      if (len < 1.6 * HALF) return null;
      for (let j = a; j <= b; j++) {
        const dev = Math.abs((xy[j][0] - xy[a][0]) * dy - (xy[j][1] - xy[a][1]) * dx) / len;
        if (dev > 120) return null;
      }
      return [dx / len, dy / len];
    };
    const spacing = Math.max(3000, total / 12);
    let next = spacing / 2;
    for (let i = 1; i < n - 1; i++) {
      if (along[i] < next) continue;
      const dir = straightAt(i);
      if (!dir) continue;
      next = along[i] + spacing;
      const [dx, dy] = dir;
      const off = 24;
      const mk = (text: string, sgn: number, cls: string) => {
        const el = document.createElement('div');
        el.className = `map-label side-label ${cls}`;
        el.textContent = text;
        el.setAttribute('data-testid', `side-label-${text}`);
        // Left normal of (dx, dy) is (−dy, dx); screen y grows downward.
        const m = new Marker({ element: el, offset: [sgn * -dy * off, sgn * -dx * off] }).setLngLat([coords[i][0], coords[i][1]]);
        this.zoneMarkers.push({ marker: m, minZoom: 10.5, shown: false });
      };
      mk(left, 1, 'left');
      mk(right, -1, 'right');
    }
  }

  private updateLabelVisibility(): void {
    const map = this.map;
    if (!map) return;
    const z = map.getZoom();
    const bounds = map.getBounds();
    const showBase = prefs.layers.labels;
    for (const l of this.labels) {
      const want = showBase && z >= l.label.minZoom && z < l.label.maxZoom && bounds.contains([l.label.lon, l.label.lat]);
      if (want !== l.shown) {
        if (want) l.marker.addTo(map);
        else l.marker.remove();
        l.shown = want;
      }
    }
    for (const m of this.blueMarkers.values()) {
      const want = prefs.layers.blueforce && this.styleReady;
      if (want !== m.shown) {
        if (want) m.marker.addTo(map);
        else m.marker.remove();
        m.shown = want;
      }
    }
    for (const m of this.zoneMarkers) {
      const want = prefs.layers.zones && this.styleReady && z >= m.minZoom;
      if (want !== m.shown) {
        if (want) m.marker.addTo(map);
        else m.marker.remove();
        m.shown = want;
      }
    }
  }
}
