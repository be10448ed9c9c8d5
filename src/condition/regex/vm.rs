//! The compiled program and its simulation: a Thompson NFA run breadth-first over the input's UTF-16
//! code units, so a match costs at most input length x program size steps.

use super::parse::{Class, Look, Node};
use super::{fold, RegexError, MAX_PROGRAM};

#[derive(Clone, Debug)]
enum Inst {
    Unit(u16),
    Dot,
    Class(Class),
    Look(Look),
    /// Continue at both targets.
    Split(usize, usize),
    Jump(usize),
    Match,
}

#[derive(Clone, Debug)]
pub(crate) struct Program {
    insts: Vec<Inst>,
    insensitive: bool,
    /// The pattern starts with `^` on every path, so only position 0 can start a match.
    anchored: bool,
}

pub(crate) fn compile(node: &Node, insensitive: bool) -> Result<Program, RegexError> {
    let mut insts = Vec::new();
    emit(node, &mut insts)?;
    insts.push(Inst::Match);
    Ok(Program {
        insts,
        insensitive,
        anchored: starts_anchored(node),
    })
}

fn starts_anchored(node: &Node) -> bool {
    match node {
        Node::Look(Look::Start) => true,
        Node::Concat(items) => items.first().is_some_and(starts_anchored),
        Node::Alternate(branches) => branches.iter().all(starts_anchored),
        _ => false,
    }
}

fn push(insts: &mut Vec<Inst>, inst: Inst) -> Result<usize, RegexError> {
    if insts.len() >= MAX_PROGRAM {
        return Err(RegexError {
            message: "pattern compiles to too large a program",
        });
    }
    insts.push(inst);
    Ok(insts.len() - 1)
}

fn patch(insts: &mut [Inst], at: usize, target: usize) {
    match insts.get_mut(at) {
        Some(Inst::Split(_, second)) => *second = target,
        Some(Inst::Jump(to)) => *to = target,
        _ => {}
    }
}

fn emit(node: &Node, insts: &mut Vec<Inst>) -> Result<(), RegexError> {
    match node {
        Node::Empty => {}
        Node::Unit(unit) => {
            push(insts, Inst::Unit(*unit))?;
        }
        Node::Dot => {
            push(insts, Inst::Dot)?;
        }
        Node::Class(class) => {
            push(insts, Inst::Class(class.clone()))?;
        }
        Node::Look(look) => {
            push(insts, Inst::Look(*look))?;
        }
        Node::Concat(items) => {
            for item in items {
                emit(item, insts)?;
            }
        }
        Node::Alternate(branches) => {
            let mut jumps = Vec::new();
            let last = branches.len().saturating_sub(1);
            for (i, branch) in branches.iter().enumerate() {
                if i < last {
                    let split = push(insts, Inst::Split(insts.len() + 1, 0))?;
                    emit(branch, insts)?;
                    jumps.push(push(insts, Inst::Jump(0))?);
                    let after = insts.len();
                    patch(insts, split, after);
                } else {
                    emit(branch, insts)?;
                }
            }
            let end = insts.len();
            for jump in jumps {
                patch(insts, jump, end);
            }
        }
        Node::Repeat { node, min, max } => {
            for _ in 0..*min {
                emit(node, insts)?;
            }
            match max {
                None => {
                    let split = push(insts, Inst::Split(insts.len() + 1, 0))?;
                    emit(node, insts)?;
                    push(insts, Inst::Jump(split))?;
                    let after = insts.len();
                    patch(insts, split, after);
                }
                Some(max) => {
                    let mut splits = Vec::new();
                    for _ in *min..*max {
                        splits.push(push(insts, Inst::Split(insts.len() + 1, 0))?);
                        emit(node, insts)?;
                    }
                    let end = insts.len();
                    for split in splits {
                        patch(insts, split, end);
                    }
                }
            }
        }
    }
    Ok(())
}

fn is_word(unit: Option<u16>) -> bool {
    unit.and_then(|u| u8::try_from(u).ok())
        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn is_line_terminator(unit: u16) -> bool {
    matches!(unit, 0x0A | 0x0D | 0x2028 | 0x2029)
}

/// A set of program counters with insertion order, cleared in constant time.
struct Threads {
    dense: Vec<usize>,
    sparse: Vec<usize>,
}

impl Threads {
    fn new(size: usize) -> Threads {
        Threads {
            dense: Vec::with_capacity(size),
            sparse: vec![0; size],
        }
    }

    fn insert(&mut self, pc: usize) -> bool {
        let present = self
            .sparse
            .get(pc)
            .and_then(|&i| self.dense.get(i))
            .is_some_and(|&p| p == pc);
        if present {
            return false;
        }
        if let Some(slot) = self.sparse.get_mut(pc) {
            *slot = self.dense.len();
        }
        self.dense.push(pc);
        true
    }
}

impl Program {
    pub(crate) fn is_match(&self, haystack: &str) -> bool {
        let units: Vec<u16> = haystack.encode_utf16().collect();
        let size = self.insts.len();
        let mut current = Threads::new(size);
        let mut next = Threads::new(size);
        let mut stack = Vec::new();
        for at in 0..=units.len() {
            let before = at.checked_sub(1).and_then(|i| units.get(i).copied());
            let here = units.get(at).copied();
            if (at == 0 || !self.anchored) && self.add(&mut current, &mut stack, 0, before, here) {
                return true;
            }
            if current.dense.is_empty() && (self.anchored || at == units.len()) {
                return false;
            }
            let Some(unit) = here else {
                return false;
            };
            let folded = if self.insensitive { fold(unit) } else { unit };
            let after = units.get(at + 1).copied();
            for &pc in &current.dense {
                let advance = match self.insts.get(pc) {
                    Some(Inst::Unit(expected)) => *expected == folded,
                    Some(Inst::Dot) => !is_line_terminator(unit),
                    Some(Inst::Class(class)) => {
                        (class.has(unit) || (self.insensitive && class.has(folded)))
                            != class.negated
                    }
                    _ => false,
                };
                if advance && self.add(&mut next, &mut stack, pc + 1, here, after) {
                    return true;
                }
            }
            std::mem::swap(&mut current, &mut next);
            next.dense.clear();
        }
        false
    }

    /// Adds `pc` and everything reachable from it without consuming input, between units `before` and
    /// `here`; true when that reaches a match.
    fn add(
        &self,
        threads: &mut Threads,
        stack: &mut Vec<usize>,
        pc: usize,
        before: Option<u16>,
        here: Option<u16>,
    ) -> bool {
        stack.clear();
        stack.push(pc);
        while let Some(pc) = stack.pop() {
            if !threads.insert(pc) {
                continue;
            }
            match self.insts.get(pc) {
                Some(Inst::Match) => return true,
                Some(Inst::Jump(to)) => stack.push(*to),
                Some(Inst::Split(first, second)) => {
                    stack.push(*second);
                    stack.push(*first);
                }
                Some(Inst::Look(look)) => {
                    let holds = match look {
                        Look::Start => before.is_none(),
                        Look::End => here.is_none(),
                        Look::WordBoundary => is_word(before) != is_word(here),
                        Look::NotWordBoundary => is_word(before) == is_word(here),
                    };
                    if holds {
                        stack.push(pc + 1);
                    }
                }
                _ => {}
            }
        }
        false
    }
}
