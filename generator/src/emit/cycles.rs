//! Which fields need a `Box` so that every struct has a finite size.
//!
//! A struct contains by value the types of its non-collection fields (an
//! `Option` is as large as what it holds; a `Vec` is not), and an `Any…` enum
//! contains all of its variants. Every cycle of that "contains" graph must be cut.
//! Within a strongly connected component every cycle passes through a field edge
//! whose two ends are both in the component (edges leaving an `Any…` enum go to
//! structs, so a cycle cannot consist of enum edges only), and boxing exactly
//! those fields cuts them all while leaving every other field unboxed.

use super::index::Index;
use std::collections::{BTreeMap, BTreeSet};

/// The fields to box: struct (qualified name) → JSON names of the properties.
pub(crate) fn boxed_fields(index: &Index<'_>) -> BTreeMap<String, BTreeSet<String>> {
    let graph = Graph::new(index);
    let component = strongly_connected_components(&graph.edges);
    let mut boxed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for field in graph
        .fields
        .into_iter()
        .filter(|field| component[field.from] == component[field.to])
    {
        boxed.entry(field.owner).or_default().insert(field.property);
    }
    boxed
}

/// A by-value field: an edge of the graph, with the names that identify it.
struct FieldEdge {
    from: usize,
    to: usize,
    owner: String,
    property: String,
}

struct Graph {
    /// Successors of every node: structs are `0..n`, `Any…` enums follow.
    edges: Vec<Vec<usize>>,
    fields: Vec<FieldEdge>,
}

impl Graph {
    fn new(index: &Index<'_>) -> Self {
        let structs: BTreeMap<&str, usize> = index
            .types
            .keys()
            .enumerate()
            .map(|(i, q)| (q.as_str(), i))
            .collect();
        let mut enums: BTreeMap<&str, usize> = BTreeMap::new();
        for (qualified, info) in &index.types {
            if info.any.is_some() {
                enums.insert(qualified, structs.len() + enums.len());
            }
        }
        // What a reference to a type holds by value: its `Any…` enum if it has one.
        let node_of = |ty: &str| enums.get(ty).or_else(|| structs.get(ty)).copied();
        let mut graph = Graph {
            edges: vec![Vec::new(); structs.len() + enums.len()],
            fields: Vec::new(),
        };
        for (from, info) in index.types.values().enumerate() {
            for prop in index.properties(info).into_iter().filter(|p| !p.collection) {
                if let Some(to) = node_of(&prop.ty) {
                    graph.edges[from].push(to);
                    graph.fields.push(FieldEdge {
                        from,
                        to,
                        owner: info.qualified.clone(),
                        property: prop.name.clone(),
                    });
                }
            }
            if let (Some(any), Some(&node)) = (&info.any, enums.get(info.qualified.as_str())) {
                graph.edges[node].extend(
                    any.variants
                        .iter()
                        .filter_map(|v| structs.get(v.qualified.as_str())),
                );
            }
        }
        graph
    }
}

/// Tarjan's algorithm, iterative so that deep type graphs cannot overflow the
/// stack. Returns the component of every node (nodes of one component share it).
pub(crate) fn strongly_connected_components(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNVISITED: usize = usize::MAX;
    let n = edges.len();
    let (mut order, mut low, mut component) = (vec![UNVISITED; n], vec![0; n], vec![UNVISITED; n]);
    let (mut on_stack, mut stack) = (vec![false; n], Vec::new());
    let (mut next_order, mut components) = (0, 0);
    for root in 0..n {
        if order[root] != UNVISITED {
            continue;
        }
        // Each frame: a node and how many of its successors were looked at.
        let mut calls = vec![(root, 0usize)];
        order[root] = next_order;
        low[root] = next_order;
        next_order += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(frame) = calls.last_mut() {
            let (node, seen) = *frame;
            if let Some(&succ) = edges[node].get(seen) {
                frame.1 += 1;
                if order[succ] == UNVISITED {
                    order[succ] = next_order;
                    low[succ] = next_order;
                    next_order += 1;
                    stack.push(succ);
                    on_stack[succ] = true;
                    calls.push((succ, 0));
                } else if on_stack[succ] {
                    low[node] = low[node].min(order[succ]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == order[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = components;
                    if member == node {
                        break;
                    }
                }
                components += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_of_a_small_graph() {
        // 0 ⇄ 1 → 2 ↺, 3 → 0, 4 alone.
        let edges = vec![vec![1], vec![0, 2], vec![2], vec![0], vec![]];
        let c = strongly_connected_components(&edges);
        assert_eq!(c[0], c[1]);
        let distinct: BTreeSet<usize> = [c[0], c[2], c[3], c[4]].into();
        assert_eq!(distinct.len(), 4);
    }

    #[test]
    fn a_long_chain_does_not_overflow() {
        let n = 200_000;
        let edges: Vec<Vec<usize>> = (0..n).map(|i| vec![(i + 1) % n]).collect();
        let c = strongly_connected_components(&edges);
        assert!(c.iter().all(|&x| x == c[0]));
    }
}
