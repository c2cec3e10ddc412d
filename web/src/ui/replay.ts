/**
 * Replay: pick a start on the stored span, a speed up to 1000×, play/pause/stop. While a replay
 * runs the map shows the replay's tracks (WebSocket messages with replay: true) under a REPLAY
 * banner; live keeps arriving underneath and comes back when the replay stops.
 */
import { api, errorText } from '../api.js';
import { $, h, toast } from '../dom.js';
import { dateTime } from '../format.js';
import { app } from '../state.js';
import type { ReplayInfo, ReplayState } from '../types.js';

const SPEEDS = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1000];

let span: { firstMs: number; lastMs: number } | null = null;
let dragging = false;
/** The operator chose to look at live while a replay (maybe someone else's) runs. */
let showLive = false;
let built = false;
let slider: HTMLInputElement;
let speedSel: HTMLSelectElement;
let timeLabel: HTMLElement;
let statusLabel: HTMLElement;
let playBtn: HTMLButtonElement;
let pauseBtn: HTMLButtonElement;
let stopBtn: HTMLButtonElement;
let spanLabel: HTMLElement;
let lastBannerText = '';

function build(): void {
  if (built) return;
  built = true;
  slider = h('input', { type: 'range', id: 'replay-slider', 'data-testid': 'replay-slider', min: 0, max: 1, step: 1000, value: 0, 'aria-label': 'Replay time' });
  speedSel = h('select', { id: 'replay-speed', 'data-testid': 'replay-speed', 'aria-label': 'Replay speed' }, ...SPEEDS.map((s) => h('option', { value: s, selected: s === 60 }, `${s}×`)));
  timeLabel = h('span', { id: 'replay-time', 'data-testid': 'replay-time', class: 'mono' }, '—');
  statusLabel = h('span', { id: 'replay-status', 'data-testid': 'replay-status', class: 'muted' }, '');
  spanLabel = h('div', { class: 'muted small', 'data-testid': 'replay-span' }, '');
  playBtn = h('button', { id: 'replay-play', 'data-testid': 'replay-play', onclick: () => void play() }, 'Play');
  pauseBtn = h('button', { id: 'replay-pause', 'data-testid': 'replay-pause', onclick: () => void pauseResume() }, 'Pause');
  stopBtn = h('button', { id: 'replay-stop', 'data-testid': 'replay-stop', onclick: () => void stop() }, 'Stop');
  slider.addEventListener('input', () => {
    dragging = true;
    timeLabel.textContent = dateTime(Number(slider.value));
  });
  slider.addEventListener('change', () => {
    dragging = false;
    const st = app.replayState;
    if (st?.running) void control({ action: 'seek', timeMs: Number(slider.value) });
  });
  speedSel.addEventListener('change', () => {
    const st = app.replayState;
    if (st?.running) void control({ action: st.paused ? 'pause' : 'resume', speed: Number(speedSel.value) });
  });
  $('#popover-replay').replaceChildren(
    h('h3', null, 'Replay'),
    spanLabel,
    slider,
    h('div', { class: 'row' }, timeLabel),
    h('div', { class: 'row' }, h('label', { for: 'replay-speed' }, 'Speed '), speedSel, playBtn, pauseBtn, stopBtn),
    h('div', { class: 'row' }, statusLabel),
    h('p', { class: 'muted small' }, 'Replays the store through the same pipeline as live. Other operators see the replay too.'),
  );
  $('#replay-banner-stop').addEventListener('click', () => backToLive());
}

/** Opens the panel: fetches the span and the state. */
export async function openReplayPanel(): Promise<void> {
  build();
  try {
    const info = await api<ReplayInfo>('/api/replay');
    span = info.span;
    if (span) {
      slider.min = String(span.firstMs);
      slider.max = String(span.lastMs);
      if (!app.replayState?.running) slider.value = String(Math.max(span.firstMs, span.lastMs - 15 * 60_000));
      spanLabel.textContent = `Stored: ${dateTime(span.firstMs)} → ${dateTime(span.lastMs)}`;
    } else spanLabel.textContent = 'Nothing stored yet to replay.';
    applyReplayState(info.state);
  } catch (err) {
    spanLabel.textContent = `Replay unavailable: ${errorText(err)}`;
  }
  refreshControls();
}

async function play(): Promise<void> {
  const st = app.replayState;
  if (st?.running && st.paused) return control({ action: 'resume', speed: Number(speedSel.value) });
  if (!span) return toast('Nothing stored to replay', 'error');
  try {
    const state = await api<ReplayState>('/api/replay', { method: 'POST', body: { fromMs: Number(slider.value), toMs: span.lastMs, speed: Number(speedSel.value) } });
    showLive = false;
    applyReplayState(state, true);
  } catch (err) {
    toast(`Replay failed: ${errorText(err)}`, 'error');
  }
}

async function pauseResume(): Promise<void> {
  const st = app.replayState;
  if (!st?.running) return;
  await control({ action: st.paused ? 'resume' : 'pause' });
}

async function stop(): Promise<void> {
  await control({ action: 'stop' });
}

async function control(body: { action: string; speed?: number; timeMs?: number }): Promise<void> {
  try {
    const state = await api<ReplayState>('/api/replay/control', { method: 'POST', body });
    applyReplayState(state);
  } catch (err) {
    toast(`Replay ${body.action} failed: ${errorText(err)}`, 'error');
  }
}

/** Stops the replay (operators) or just shows live (viewers, or someone else's replay). */
export function backToLive(): void {
  if (app.replayState?.running && app.can('operator')) void stop();
  else {
    showLive = true;
    setMode();
  }
}

/** A replay state from the API or the stream. */
export function applyReplayState(state: ReplayState | null | undefined, started = false): void {
  if (!state) return;
  const wasRunning = app.replayState?.running ?? false;
  app.replayState = state;
  if (started || (state.running && !wasRunning)) {
    app.replay.clear();
    app.replayAlerts.clear();
    if (started) showLive = false;
  }
  if (!state.running) showLive = false;
  setMode();
  app.changed.replay.emit();
  refreshControls();
}

function setMode(): void {
  const mode = app.replayState?.running && !showLive ? 'replay' : 'live';
  if (mode !== app.mode) {
    app.mode = mode;
    document.body.classList.toggle('replaying', mode === 'replay');
    app.changed.mode.emit();
  }
  updateBanner();
}

function refreshControls(): void {
  if (!built) return;
  const st = app.replayState;
  const can = app.can('operator');
  playBtn.disabled = !can || !span || (!!st?.running && !st.paused);
  pauseBtn.disabled = !can || !st?.running;
  pauseBtn.textContent = st?.paused ? 'Resume' : 'Pause';
  stopBtn.disabled = !can || !st?.running;
  slider.disabled = !span || !can;
  if (st?.running) {
    const sp = SPEEDS.includes(st.speed) ? st.speed : null;
    if (sp) speedSel.value = String(sp);
  }
  statusLabel.textContent = !can ? 'Replay needs the operator role.' : st?.running ? (st.paused ? 'Paused' : `Playing at ${st.speed}×`) : 'Stopped';
}

/** Per frame (cheap): the banner text and the slider follow the replay's clock. */
export function tickReplay(): void {
  if (app.mode !== 'replay') return;
  updateBanner();
  if (built && !dragging) {
    const t = app.replay.timeMs || app.replayState?.timeMs || 0;
    if (t && Math.abs(Number(slider.value) - t) >= 1000) {
      slider.value = String(t);
      timeLabel.textContent = dateTime(t);
    }
  }
}

function updateBanner(): void {
  const banner = $('#replay-banner');
  const on = app.mode === 'replay';
  banner.classList.toggle('hidden', !on);
  if (!on) return;
  const st = app.replayState;
  const t = app.replay.timeMs || st?.timeMs || 0;
  const text = `${dateTime(t)} · ${st?.speed ?? '?'}×${st?.paused ? ' · paused' : ''}`;
  if (text !== lastBannerText) {
    lastBannerText = text;
    $('#replay-banner-text').textContent = text;
  }
}
