// The panel: run switcher, graph with details, approvals and logs; state from host messages only.
import { h, type ComponentChild } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { parseHostMessage } from '../src/protocol/messages.js';
import { GraphView } from './graph/graphView.js';
import { codiconClass, STATUS_STYLE } from './graph/statusStyle.js';
import { EMPTY_PANEL_STATE, reducePanelState, type PanelState } from './panelState.js';
import { ApprovalsList } from './panels/approvalsList.js';
import { DetailsPane } from './panels/detailsPane.js';
import { LogView } from './panels/logView.js';
import { PlanEditor } from './plan/planEditor.js';
import { ReviewPrompt, ReviewView } from './review/reviewView.js';
import { AgentsTable } from './panels/agentsView.js';
import { TimelinePanel } from './timeline/timelineView.js';
import { Tabs } from './toolkit.js';
import type { HostChannel } from './vscodeApi.js';

type TabId = 'graph' | 'timeline' | 'approvals' | 'logs' | 'review' | 'agents';

/** The whole page. */
export function App({ host }: { host: HostChannel }): ComponentChild {
  const [state, setState] = useState<PanelState>(EMPTY_PANEL_STATE);
  const [tab, setTab] = useState<TabId>('graph');
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [detailsOpen, setDetailsOpen] = useState(false);

  useEffect(() => {
    const onMessage = (e: MessageEvent): void => {
      const parsed = parseHostMessage(e.data);
      if (!parsed.ok) {
        console.warn(`Run panel: host message dropped, ${parsed.reason}`);
        return;
      }
      if (parsed.message.type === 'snapshot') host.saveRunId(parsed.message.graph.runId);
      setState((s) => reducePanelState(s, parsed.message));
    };
    window.addEventListener('message', onMessage);
    host.post({ type: 'ready' });
    // A page shown again asks again (the host also resends when the panel becomes visible).
    const onVisible = (): void => {
      if (document.visibilityState === 'visible') host.post({ type: 'ready' });
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.removeEventListener('message', onMessage);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [host]);

  const graph = state.graph;
  const task = graph?.tasks.find((t) => t.id === selected);
  // A plan under review takes the Graph tab of its dry run (or of an empty panel) until it runs or is discarded.
  const review = state.plan.review;
  const planReview =
    review !== undefined && tab === 'graph' && (graph === undefined || graph.runId === review.runId)
      ? h(PlanEditor, { plan: { ...state.plan, review }, post: (m) => host.post(m) })
      : undefined;
  return h(
    'main',
    { class: 'panel' },
    h(
      'header',
      { class: 'run-header' },
      h(
        'select',
        {
          'aria-label': 'Run',
          'data-testid': 'run-select',
          value: graph?.runId ?? '',
          onChange: (e: Event) => {
            const runId = (e.currentTarget as HTMLSelectElement).value;
            if (runId) host.post({ type: 'selectRun', runId });
          },
        },
        state.runs.map((r) => h('option', { key: r.runId, value: r.runId }, `${r.goal || r.runId} (${r.status})`)),
      ),
      graph ? h('span', { class: 'muted', 'data-testid': 'run-status' }, graph.status) : null,
      graph ? h(ReviewPrompt, { runId: graph.runId, status: graph.status, onOpen: () => setTab('review') }) : null,
      h(Tabs<TabId>, {
        tabs: [
          { id: 'graph', label: 'Graph' },
          { id: 'timeline', label: 'Timeline' },
          { id: 'approvals', label: `Approvals (${state.approvals.length})` },
          { id: 'logs', label: 'Logs' },
          { id: 'review', label: 'Review' },
          { id: 'agents', label: `Agents (${state.agents.length})` },
        ],
        selected: tab,
        onSelect: setTab,
      }),
    ),
    !graph || planReview
      ? (planReview ?? h('p', { class: 'muted' }, 'No run to show yet.'))
      : tab === 'graph'
        ? h(
            'div',
            { class: 'graph-area' },
            h(GraphView, {
              tasks: graph.tasks,
              shapeVersion: state.shapeVersion,
              selected,
              onSelect: setSelected,
              onOpen: (id: string) => {
                setSelected(id);
                setDetailsOpen(true);
              },
            }),
            detailsOpen && task
              ? h(DetailsPane, {
                  key: task.id,
                  task,
                  agents: graph.agents,
                  lines: state.logs,
                  onClose: () => setDetailsOpen(false),
                  onAction: (action, extra) =>
                    host.post({ type: 'taskAction', runId: graph.runId, taskId: task.id, action, ...extra }),
                  onOpenEdit: (index) => host.post({ type: 'openEdit', runId: graph.runId, taskId: task.id, index }),
                })
              : h(Legend, null),
          )
        : tab === 'timeline'
          ? h(TimelinePanel, {
              timeline: state.timeline,
              tasks: graph.tasks,
              selected,
              onOpen: (id: string) => {
                setSelected(id);
                setDetailsOpen(true);
                setTab('graph');
              },
            })
          : tab === 'agents'
            ? h(AgentsTable, {
                agents: state.agents,
                onOpenFile: (agentId: string) => host.post({ type: 'openAgentFile', agentId }),
              })
            : tab === 'approvals'
              ? h(ApprovalsList, {
                  approvals: state.approvals,
                  onDecide: (approvalId, decision, reason) =>
                    host.post({ type: 'approvalDecision', approvalId, decision, ...(reason ? { reason } : {}) }),
                  onOpenDiff: (approvalId) => host.post({ type: 'openDiff', approvalId }),
                })
              : tab === 'review'
                ? h(ReviewView, {
                    runId: graph.runId,
                    review: state.review,
                    onRequest: () => host.post({ type: 'reviewRequest', runId: graph.runId }),
                    onDecide: (fileId, hunkId, decision) =>
                      host.post({ type: 'hunkDecision', runId: graph.runId, fileId, hunkId, decision }),
                    onRevertFile: (fileId) => host.post({ type: 'revertFile', runId: graph.runId, fileId }),
                    onOpenDiff: (fileId) => host.post({ type: 'openReviewDiff', runId: graph.runId, fileId }),
                  })
                : h(LogView, { lines: state.logs }),
  );
}

function Legend(): ComponentChild {
  return h(
    'aside',
    { class: 'legend' },
    Object.values(STATUS_STYLE).map((s) =>
      h(
        'div',
        { key: s.label },
        h('span', { class: `${codiconClass(s)} status-icon`, style: { color: s.color } }),
        s.label,
      ),
    ),
    h('p', { class: 'muted' }, 'Arrows walk the edges; Enter opens the details.'),
  );
}
