import { useEffect, useId, useMemo, useState } from 'react';
import { Controls, MarkerType, ReactFlow, useReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { buildDependencyGraph, NODE_HEIGHT, NODE_WIDTH, portsLabel, UNPLANNED, type DependencyGraph, type GraphEdge, type GraphNode } from '../../../main/common/assess/dependency-graph';
import { suggestByDependencies, type GroupingSuggestion } from '../../../main/common/assess/grouping-suggestions';
import { useWorkbenchShallow } from '../../store';
import { EmptyState } from '../../ui/EmptyState';
import { ScreenHeader } from '../../ui/ScreenHeader';
import { selectPlacements } from '../applications/planning.selectors';
import { plural, portName, portsPhrase } from './dependencies.format';
import './dependencies.css';

/** Rows the table alternative lists before it asks for a filter (a table of 100,000 rows helps nobody). */
const TABLE_ROWS = 500;
/** Above this many nodes the map draws only what is in view. */
const VISIBLE_ONLY_FROM = 300;

type ClusterData = { label: string; count: number };

/** An application's box behind its servers: a label, not a control. */
function ClusterBox({ data }: NodeProps<Node<ClusterData>>) {
  return (
    <div className="dep-cluster-label" aria-hidden="true">
      {data.label} · {data.count}
    </div>
  );
}

const NODE_TYPES = { cluster: ClusterBox };

/** Brings the highlighted suggestion into view (in a large estate it may be anywhere on the map). */
function FocusOn({ ids }: { ids: readonly string[] }) {
  const { fitView } = useReactFlow();
  const key = ids.join('|');
  useEffect(() => {
    if (ids.length) void fitView({ nodes: ids.map((id) => ({ id })), padding: 0.4, maxZoom: 1.2 });
    // Keyed on the ids' content, not the array's identity: it moves when the highlight changes.
  }, [key, fitView]);
  return null;
}

function describeNode(n: GraphNode, appName: ReadonlyMap<string, string>): string {
  const where = n.kind === 'unmatched' ? 'not in the inventory' : n.applicationId ? `in application ${appName.get(n.applicationId) ?? n.applicationId}` : 'in no application';
  return `${n.label}, ${where}, ${plural(n.peers, 'peer')}`;
}

function describeEdge(e: GraphEdge, labels: ReadonlyMap<string, string>): string {
  return `${labels.get(e.source)} to ${labels.get(e.target)} on ${portsPhrase(e.ports)}: ${plural(e.dependencies, 'dependency', 'dependencies')}`;
}

/** Servers and the ports between them, from the imported dependency data; suggestions highlight and become applications. */
export function DependenciesScreen() {
  const { doc, accept, areaSelected, importDialogToggled } = useWorkbenchShallow((s) => ({ doc: s.document, accept: s.suggestionsAccepted, areaSelected: s.areaSelected, importDialogToggled: s.importDialogToggled }));
  const [application, setApplication] = useState('');
  const [port, setPort] = useState('');
  const [unmatched, setUnmatched] = useState(true);
  const [suggestionKey, setSuggestionKey] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { app: useId(), port: useId(), unmatched: useId(), summary: useId() };
  const servers = doc?.inventory.servers;
  const connections = doc?.inventory.connections;
  const applications = doc?.planning.applications;
  const graph: DependencyGraph | null = useMemo(
    () => (servers && connections && applications ? buildDependencyGraph(servers, connections, applications, { ...(application ? { application } : {}), ...(port ? { port: Number(port) } : {}), unmatched }) : null),
    [servers, connections, applications, application, port, unmatched],
  );
  const planning = doc?.planning;
  const suggestions = useMemo(() => {
    if (!servers || !connections?.length || !planning) return [];
    const placed = new Set(selectPlacements(planning, undefined).keys());
    return suggestByDependencies(servers, connections, { placed }).suggestions;
  }, [servers, connections, planning]);
  const suggestion: GroupingSuggestion | undefined = suggestions.find((s) => s.key === suggestionKey);
  const highlighted = useMemo(() => new Set(suggestion ? suggestion.groups.flatMap((g) => g.serverIds.map((id) => `s:${id}`)) : []), [suggestion]);
  const appName = useMemo(() => new Map((applications ?? []).map((a) => [a.id, a.name])), [applications]);
  const labels = useMemo(() => new Map((graph?.nodes ?? []).map((n) => [n.id, n.label])), [graph]);

  const nodes: Node[] = useMemo(() => {
    if (!graph) return [];
    const boxes: Node[] = graph.clusters.map((c) => ({
      id: `c:${c.id}`,
      type: 'cluster',
      position: { x: c.x, y: c.y },
      data: { label: c.label, count: c.nodeCount },
      width: c.width,
      height: c.height,
      className: 'dep-cluster',
      selectable: false,
      focusable: false,
      draggable: false,
      zIndex: -1,
    }));
    const dots: Node[] = graph.nodes.map((n) => {
      const cls = ['dep-node', n.kind === 'unmatched' ? 'dep-unmatched' : '', highlighted.size ? (highlighted.has(n.id) ? 'dep-highlight' : 'dep-dim') : ''].filter(Boolean).join(' ');
      return {
        id: n.id,
        position: { x: n.x, y: n.y },
        data: { label: n.label },
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        className: cls,
        ariaLabel: describeNode(n, appName) + (highlighted.has(n.id) ? ', in the selected suggestion' : ''),
        selected: n.id === selected,
      };
    });
    return [...boxes, ...dots];
  }, [graph, highlighted, appName, selected]);

  const edges: Edge[] = useMemo(
    () =>
      (graph?.edges ?? []).map((e) => {
        const on = highlighted.has(e.source) && highlighted.has(e.target);
        return {
          id: e.id,
          source: e.source,
          target: e.target,
          label: portsLabel(e.ports),
          ariaLabel: describeEdge(e, labels),
          className: highlighted.size ? (on ? 'dep-edge-highlight' : 'dep-edge-dim') : 'dep-edge',
          markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
          focusable: false,
          selectable: false,
        };
      }),
    [graph, highlighted, labels],
  );

  if (!doc || !graph) return <div className="screen" />;
  if (graph.totalDependencies === 0) {
    return (
      <div className="screen">
        <ScreenHeader title="Dependencies" />
        <EmptyState
          icon="dependencies"
          title="No dependency data in this project"
          actions={
            <button type="button" className="primary" onClick={() => (areaSelected('inventory'), importDialogToggled(true))}>
              Import a dependency export…
            </button>
          }
        >
          The map shows which servers talk to which, on which ports. Import an Azure Migrate dependency export (CSV, Excel or zip) on the Inventory screen; the servers it names are matched to the inventory by name or IP.
        </EmptyState>
      </div>
    );
  }

  const selectedNode = graph.nodes.find((n) => n.id === selected);
  const selectedEdges = selectedNode ? graph.edges.filter((e) => e.source === selectedNode.id || e.target === selectedNode.id) : [];
  const servers_ = graph.nodes.filter((n) => n.kind === 'server').length;
  const outside = graph.nodes.length - servers_;
  const summary = `${plural(graph.shownDependencies, 'dependency', 'dependencies')} of ${graph.totalDependencies.toLocaleString('en-US')} shown, between ${plural(servers_, 'server')} and ${plural(outside, 'endpoint')} outside the inventory, as ${plural(graph.edges.length, 'connection')} grouped by application.${graph.selfConnections ? ` ${plural(graph.selfConnections, 'connection')} of a server with itself not drawn.` : ''}${suggestion ? ` Highlighted: suggestion ${suggestion.name}, ${plural(suggestion.serverCount, 'server')}.` : ''}`;

  const create = async () => {
    if (!suggestion) return;
    setBusy(true);
    const ok = await accept([suggestion]);
    setBusy(false);
    if (ok) setSuggestionKey('');
  };

  return (
    <div className="screen dep-screen">
      <ScreenHeader title="Dependencies" subtitle="Which servers talk to which, on which ports, from the imported dependency data." />
      <form className="dep-filters" aria-label="Filter the map" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor={ids.app}>Application</label>
        <select id={ids.app} value={application} onChange={(e) => setApplication(e.target.value)}>
          <option value="">All applications</option>
          {(applications ?? []).map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
          <option value={UNPLANNED}>Not in an application</option>
        </select>
        <label htmlFor={ids.port}>Port</label>
        <select id={ids.port} value={port} onChange={(e) => setPort(e.target.value)}>
          <option value="">All ports</option>
          {graph.ports.map((p) => (
            <option key={p.port} value={String(p.port)}>
              {portName(p.port)} · {plural(p.dependencies, 'dependency', 'dependencies')}
            </option>
          ))}
        </select>
        <label className="check-inline" htmlFor={ids.unmatched}>
          <input id={ids.unmatched} type="checkbox" checked={unmatched} onChange={(e) => setUnmatched(e.target.checked)} /> Endpoints outside the inventory
        </label>
      </form>
      <div className="dep-body">
        <section className="dep-map" aria-label="Dependency map" aria-describedby={ids.summary}>
          <p id={ids.summary} className="dep-summary" data-testid="dep-summary">
            {summary}
          </p>
          {graph.nodes.length ? (
            <div className="dep-canvas">
              <ReactFlow
                key={`${application}|${port}|${unmatched}`}
                nodes={nodes}
                edges={edges}
                nodeTypes={NODE_TYPES}
                fitView
                minZoom={0.05}
                nodesDraggable={false}
                nodesConnectable={false}
                edgesFocusable={false}
                onlyRenderVisibleElements={graph.nodes.length > VISIBLE_ONLY_FROM}
                onNodesChange={(changes) => {
                  // Click, Enter or Space on a node selects it: its connections are listed beside the map.
                  for (const c of changes) if (c.type === 'select' && c.selected) setSelected(c.id);
                }}
                onPaneClick={() => setSelected(null)}
              >
                <Controls showInteractive={false} />
                <FocusOn ids={graph.nodes.filter((n) => highlighted.has(n.id)).map((n) => n.id)} />
              </ReactFlow>
            </div>
          ) : (
            <p className="dep-none muted" role="status">
              No dependencies match these filters.
            </p>
          )}
        </section>
        <aside className="dep-side" aria-label="Suggested applications">
          <h2>Suggested applications</h2>
          <p className="muted small">From the connections among servers not yet in an application (as in Suggest… on the Applications screen). Select one to highlight it.</p>
          {suggestions.length ? (
            <fieldset className="dep-suggestions">
              <legend className="sr-only">Suggestion to highlight</legend>
              <label className="check-inline">
                <input type="radio" name="dep-suggestion" checked={!suggestion} onChange={() => setSuggestionKey('')} /> None
              </label>
              {suggestions.map((s) => (
                <label key={s.key} className="check-inline">
                  <input type="radio" name="dep-suggestion" checked={s.key === suggestion?.key} onChange={() => setSuggestionKey(s.key)} />
                  <span>
                    <span className="strong">{s.name}</span> <span className="muted">{plural(s.serverCount, 'server')}</span>
                  </span>
                </label>
              ))}
            </fieldset>
          ) : (
            <p className="muted">Nothing to suggest: no two servers outside applications are connected (hubs and infrastructure left out).</p>
          )}
          {suggestion ? (
            <div className="dep-create">
              <p className="small">{suggestion.groups.map((g) => `${g.name} (${g.serverIds.length})`).join(' → ')}</p>
              <button type="button" className="primary" disabled={busy} onClick={() => void create()}>
                Create application “{suggestion.name}”
              </button>
            </div>
          ) : null}
          {selectedNode ? (
            <div className="dep-selected" data-testid="dep-selected">
              <h2>{selectedNode.label}</h2>
              <ul className="small">
                {selectedEdges.slice(0, 50).map((e) => (
                  <li key={e.id}>{e.source === selectedNode.id ? `→ ${labels.get(e.target)}` : `← ${labels.get(e.source)}`} on {e.ports.join(', ')}</li>
                ))}
              </ul>
            </div>
          ) : null}
        </aside>
      </div>
      <details className="dep-table">
        <summary>Connections as a table ({graph.edges.length.toLocaleString('en-US')})</summary>
        <table aria-label="Connections">
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Ports</th>
              <th scope="col">Dependencies</th>
              <th scope="col">Time slots</th>
            </tr>
          </thead>
          <tbody>
            {graph.edges.slice(0, TABLE_ROWS).map((e) => (
              <tr key={e.id} className={highlighted.has(e.source) && highlighted.has(e.target) ? 'dep-row-highlight' : undefined}>
                <td>{labels.get(e.source)}</td>
                <td>{labels.get(e.target)}</td>
                <td>{e.ports.join(', ')}</td>
                <td>{e.dependencies.toLocaleString('en-US')}</td>
                <td>{e.observations.toLocaleString('en-US')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {graph.edges.length > TABLE_ROWS ? <p className="muted small">The first {TABLE_ROWS} of {graph.edges.length.toLocaleString('en-US')} connections; filter by application or port to see the rest.</p> : null}
      </details>
    </div>
  );
}
