import type { MakespanPoint } from './benchTypes';

const W = 640;
const H = 400;
const M = { left: 70, right: 160, top: 30, bottom: 50 };
const COLOURS = ['#1f77b4', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A line plot by hand: makespan (ms) over DAG size (tasks, log scale) for each engine, with the
 * critical path as a dashed series. Axes, ticks, labels and a legend; no plotting library.
 */
export function makespanSvg(points: readonly MakespanPoint[]): string {
  const sizes = [...new Set(points.map((p) => p.tasks))].sort((a, b) => a - b);
  const engines = [...new Set(points.map((p) => p.engine))];
  const critical = sizes.map((t) => ({ tasks: t, ms: points.find((p) => p.tasks === t)?.criticalPathMs ?? 0 }));
  const series = [
    { name: 'critical path', dashed: true, colour: '#555', data: critical },
    ...engines.map((engine, i) => ({
      name: engine,
      dashed: false,
      colour: COLOURS[i % COLOURS.length]!,
      data: points.filter((p) => p.engine === engine).map((p) => ({ tasks: p.tasks, ms: p.makespanMs })),
    })),
  ];
  const maxMs = Math.max(1, ...series.flatMap((s) => s.data.map((d) => d.ms))) * 1.1;
  const logMin = Math.log10(Math.max(1, sizes[0] ?? 1));
  const logMax = Math.log10(Math.max(10, sizes.at(-1) ?? 10));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const x = (tasks: number): number =>
    M.left + (logMax === logMin ? plotW / 2 : ((Math.log10(tasks) - logMin) / (logMax - logMin)) * plotW);
  const y = (ms: number): number => M.top + plotH - (ms / maxMs) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${M.left}" y="18" font-size="14" font-weight="bold">Makespan against critical path (unlimited concurrency)</text>`,
    `<line x1="${M.left}" y1="${M.top + plotH}" x2="${M.left + plotW}" y2="${M.top + plotH}" stroke="#000"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + plotH}" stroke="#000"/>`,
  ];
  for (const t of sizes)
    out.push(
      `<line x1="${x(t)}" y1="${M.top + plotH}" x2="${x(t)}" y2="${M.top + plotH + 5}" stroke="#000"/>`,
      `<text x="${x(t)}" y="${M.top + plotH + 18}" text-anchor="middle">${t}</text>`,
    );
  for (let i = 0; i <= 5; i++) {
    const ms = (maxMs * i) / 5;
    out.push(
      `<line x1="${M.left - 5}" y1="${y(ms)}" x2="${M.left + plotW}" y2="${y(ms)}" stroke="#ddd"/>`,
      `<text x="${M.left - 8}" y="${y(ms) + 4}" text-anchor="end">${(ms / 1000).toFixed(1)}</text>`,
    );
  }
  out.push(
    `<text x="${M.left + plotW / 2}" y="${H - 10}" text-anchor="middle">DAG size (tasks, log scale)</text>`,
    `<text x="16" y="${M.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${M.top + plotH / 2})">time (s)</text>`,
  );
  series.forEach((s, i) => {
    const path = s.data.map((d) => `${x(d.tasks).toFixed(1)},${y(d.ms).toFixed(1)}`).join(' ');
    out.push(
      `<polyline points="${path}" fill="none" stroke="${s.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      ...s.data.map(
        (d) => `<circle cx="${x(d.tasks).toFixed(1)}" cy="${y(d.ms).toFixed(1)}" r="3" fill="${s.colour}"/>`,
      ),
      `<line x1="${W - M.right + 15}" y1="${M.top + 10 + i * 20}" x2="${W - M.right + 40}" y2="${M.top + 10 + i * 20}" stroke="${s.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${W - M.right + 46}" y="${M.top + 14 + i * 20}">${escapeXml(s.name)}</text>`,
    );
  });
  out.push('</svg>', '');
  return out.join('\n');
}
