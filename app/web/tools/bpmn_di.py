"""Add BPMN diagram interchange (DI: shapes and edges) to models that have none, so bpmn-js
can draw them in the editor and the audit view. Only DI is written: the semantic part of the
file (ids, names, scripts, dsf:clock, lanes) is left byte for byte as it was.

Layout: left to right in columns by longest path from the start event (loops ignored), one
horizontal band per lane (in laneSet order) under a band for the nodes outside any lane;
boundary events sit on their task's lower edge. Re-run after changing a model's flow:

    .venv/bin/python app/web/tools/bpmn_di.py bpmn/*.bpmn

bpmn-auto-layout (npm) was not used: it lays out flow nodes only and drops the lanes' DI.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DI_NAMESPACES = {
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
SIZES = {"event": (36, 36), "gateway": (50, 50), "activity": (100, 80)}
COLUMN, ROW = 150, 120          # cell size of the grid
LANE_X, LANE_LABEL = 40, 30     # lanes start here; their vertical name strip is this wide
LEFT = LANE_X + LANE_LABEL + 10  # first column's left edge
TOP = 40
NOT_NODES = {"sequenceFlow", "laneSet", "lane", "documentation", "extensionElements", "textAnnotation",
             "association", "dataObject", "dataObjectReference", "dataStoreReference", "boundaryEvent"}


@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h


def _local(el) -> str:
    return etree.QName(el).localname


def _kind(tag: str) -> str:
    if tag.endswith("Event"):
        return "event"
    if tag.endswith("Gateway"):
        return "gateway"
    return "activity"


class Layout:
    """Positions for one process: ``boxes`` (nodes and lanes) and ``edges`` (waypoints)."""

    def __init__(self, process):
        self.process = process
        self.nodes = {el.get("id"): el for el in process if isinstance(el.tag, str)
                      and _local(el) not in NOT_NODES and el.get("id")}
        self.boundary = {el.get("id"): el for el in process.iterfind(f"{{{BPMN}}}boundaryEvent")}
        self.flows = [el for el in process.iterfind(f"{{{BPMN}}}sequenceFlow")]
        self.lanes = [lane for lane in process.iterfind(f".//{{{BPMN}}}lane")]
        self.lane_of = {(ref.text or "").strip(): lane.get("id") for lane in self.lanes
                        for ref in lane.iterfind(f"{{{BPMN}}}flowNodeRef")}
        self.boxes: dict[str, Box] = {}
        self.edges: dict[str, list[tuple[float, float]]] = {}

    def _source(self, flow) -> str:
        """Boundary events count as their task for layering."""
        ref = flow.get("sourceRef")
        return self.boundary[ref].get("attachedToRef") if ref in self.boundary else ref

    def columns(self) -> dict[str, int]:
        """Longest-path column of every node; edges closing a loop are ignored."""
        succ: dict[str, list[str]] = {n: [] for n in self.nodes}
        for flow in self.flows:
            source, target = self._source(flow), flow.get("targetRef")
            if source in succ and target in self.nodes:
                succ[source].append(target)
        back, state = set(), {}

        def visit(node):  # iterative DFS, to find the edges that close loops
            stack = [(node, iter(succ[node]))]
            state[node] = "open"
            while stack:
                current, children = stack[-1]
                for child in children:
                    if state.get(child) == "open":
                        back.add((current, child))
                    elif child not in state:
                        state[child] = "open"
                        stack.append((child, iter(succ[child])))
                        break
                else:
                    state[current] = "done"
                    stack.pop()

        starts = [n for n, el in self.nodes.items() if _local(el) == "startEvent"]
        for node in starts + list(self.nodes):
            if node not in state:
                visit(node)
        column = {n: 0 for n in self.nodes}
        order = self._topological(succ, back)
        for node in order:
            for child in succ[node]:
                if (node, child) not in back:
                    column[child] = max(column[child], column[node] + 1)
        self.back = back
        self.order = order
        return column

    def _topological(self, succ, back) -> list[str]:
        indegree = {n: 0 for n in self.nodes}
        for node, children in succ.items():
            for child in children:
                if (node, child) not in back:
                    indegree[child] += 1
        ready = [n for n in self.nodes if indegree[n] == 0]
        order = []
        while ready:
            node = ready.pop(0)
            order.append(node)
            for child in succ[node]:
                if (node, child) not in back:
                    indegree[child] -= 1
                    if indegree[child] == 0:
                        ready.append(child)
        return order

    def place(self) -> None:
        column = self.columns()
        bands = [None] + [lane.get("id") for lane in self.lanes]
        rows = self._rows(column)
        width = (max(column.values(), default=0) + 1) * COLUMN
        y = TOP
        for band in bands:
            count = max((rows[n] + 1 for n in self.nodes if self.lane_of.get(n) == band), default=1)
            height = count * ROW
            if band is not None:
                self.boxes[band] = Box(LANE_X, y, LANE_LABEL + 10 + width, height)
            for node in (n for n in self.nodes if self.lane_of.get(n) == band):
                w, h = SIZES[_kind(_local(self.nodes[node]))]
                cx = LEFT + column[node] * COLUMN + COLUMN / 2
                cy = y + rows[node] * ROW + ROW / 2
                self.boxes[node] = Box(cx - w / 2, cy - h / 2, w, h)
            y += height
        for bid, el in self.boundary.items():
            host = self.boxes[el.get("attachedToRef")]
            self.boxes[bid] = Box(host.right - 36 - 8, host.bottom - 18, 36, 36)
        self.column = column
        for flow in self.flows:
            self.edges[flow.get("id")] = self._route(flow)

    def _rows(self, column: dict[str, int]) -> dict[str, int]:
        """A row per node inside its band: the row of its first predecessor when the cells
        its incoming edge runs through are free, else the next free one, so edges keep clear
        of nodes (an edge runs along its target's row from the gap after its source)."""
        preds: dict[str, list[str]] = {n: [] for n in self.nodes}
        for flow in self.flows:
            source, target = self._source(flow), flow.get("targetRef")
            if target in preds and source in self.nodes and (source, target) not in self.back:
                preds[target].append(source)
        rows: dict[str, int] = {}
        taken: set[tuple[str | None, int, int]] = set()
        for node in self.order:
            band = self.lane_of.get(node)
            first = next((p for p in preds[node] if p in rows), None)
            wanted = rows[first] if first is not None and self.lane_of.get(first) == band else 0
            span = range(column[first] + 1 if first is not None else column[node], column[node] + 1)
            row = wanted
            while any((band, row, c) in taken for c in span):
                row += 1
            rows[node] = row
            taken.update((band, row, c) for c in span)
        return rows

    def _gap_after(self, node: str) -> float:
        """The x of the empty gap right of ``node``'s column, where edges turn."""
        return LEFT + (self.column[node] + 1) * COLUMN - (COLUMN - SIZES["activity"][0]) / 4

    def _route(self, flow) -> list[tuple[float, float]]:
        source = flow.get("sourceRef")
        s, t = self.boxes[source], self.boxes[flow.get("targetRef")]
        if source in self.boundary:
            host = self.boundary[source].get("attachedToRef")
            drop, gap = s.bottom + 14, self._gap_after(host)
            return [(s.cx, s.bottom), (s.cx, drop), (gap, drop), (gap, t.cy), (t.x, t.cy)]
        if t.x <= s.x:  # a loop back: below both rows, into the target's bottom
            low = max(s.bottom, t.bottom) + 22
            return [(s.cx, s.bottom), (s.cx, low), (t.cx, low), (t.cx, t.bottom)]
        if abs(s.cy - t.cy) < 1:
            return [(s.right, s.cy), (t.x, t.cy)]
        if _local(self.nodes[source]).endswith("Gateway"):
            tip = s.y if t.cy < s.cy else s.bottom  # split from the diamond's top or bottom tip
            return [(s.cx, tip), (s.cx, t.cy), (t.x, t.cy)]
        gap = self._gap_after(source)
        return [(s.right, s.cy), (gap, s.cy), (gap, t.cy), (t.x, t.cy)]


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def diagram_xml(process, indent: str = "  ") -> str:
    """The ``bpmndi:BPMNDiagram`` element for ``process``, as text."""
    layout = Layout(process)
    layout.place()
    pid = process.get("id")
    lines = [f'{indent}<bpmndi:BPMNDiagram id="{pid}_diagram">',
             f'{indent * 2}<bpmndi:BPMNPlane id="{pid}_plane" bpmnElement="{pid}">']
    shapes = [lane.get("id") for lane in layout.lanes] + list(layout.nodes) + list(layout.boundary)
    for element in shapes:
        box = layout.boxes[element]
        extra = ' isHorizontal="true"' if element in {lane.get("id") for lane in layout.lanes} else ""
        lines += [f'{indent * 3}<bpmndi:BPMNShape id="{element}_di" bpmnElement="{element}"{extra}>',
                  f'{indent * 4}<dc:Bounds x="{_num(box.x)}" y="{_num(box.y)}" width="{_num(box.w)}" '
                  f'height="{_num(box.h)}" />',
                  f'{indent * 3}</bpmndi:BPMNShape>']
    for flow, points in layout.edges.items():
        lines.append(f'{indent * 3}<bpmndi:BPMNEdge id="{flow}_di" bpmnElement="{flow}">')
        lines += [f'{indent * 4}<di:waypoint x="{_num(x)}" y="{_num(y)}" />' for x, y in points]
        lines.append(f'{indent * 3}</bpmndi:BPMNEdge>')
    lines += [f"{indent * 2}</bpmndi:BPMNPlane>", f"{indent}</bpmndi:BPMNDiagram>"]
    return "\n".join(lines)


_DIAGRAMS = re.compile(r"\n?[ \t]*<bpmndi:BPMNDiagram\b.*?</bpmndi:BPMNDiagram>", re.S)
_ROOT = re.compile(r"<bpmn:definitions\b[^>]*>", re.S)


def with_di(text: str) -> str:
    """``text`` with its diagrams replaced by a fresh layout of every process."""
    root = etree.fromstring(text.encode("utf-8"))
    diagrams = "\n".join(diagram_xml(p) for p in root.iterfind(f"{{{BPMN}}}process"))
    body = _DIAGRAMS.sub("", text)
    body = body.replace("</bpmn:definitions>", diagrams + "\n</bpmn:definitions>", 1)
    return _ROOT.sub(lambda m: _declare_namespaces(m.group(0)), body, count=1)


def _declare_namespaces(tag: str) -> str:
    """Add the DI namespaces to the root start tag, aligned like the declarations there."""
    missing = [(p, uri) for p, uri in DI_NAMESPACES.items() if f"xmlns:{p}=" not in tag]
    if not missing:
        return tag
    last = list(re.finditer(r'(\s+)xmlns:\w+="[^"]*"', tag))[-1]
    sep = last.group(1)
    added = "".join(f'{sep}xmlns:{p}="{uri}"' for p, uri in missing)
    return tag[:last.end()] + added + tag[last.end():]


def main(paths: list[str]) -> int:
    for path in paths:
        file = Path(path)
        text = file.read_text(encoding="utf-8")
        new = with_di(text)
        if new != text:
            file.write_text(new, encoding="utf-8")
            print(f"laid out {file}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
