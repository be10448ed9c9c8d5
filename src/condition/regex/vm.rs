//! The compiled program and its simulation: a Thompson NFA run breadth-first over the input's UTF-16
//! code units, so a match costs at most input length x program size steps.
//!
//! Jumps are relative to the instruction that holds them, so the code of a piece of pattern stays valid
//! wherever it is copied: the parser builds the program directly, piece by piece, with no syntax tree in
//! between (a tree and its compiler cost about 1 KB more of gzipped Wasm, under the 80 KB budget).

use super::fold;

/// A zero-width assertion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Look {
    Start,
    End,
    WordBoundary,
    NotWordBoundary,
}

/// A character class: sorted, merged ranges of code units.
#[derive(Clone, Debug, Default)]
pub(crate) struct Class {
    pub(crate) ranges: Vec<(u16, u16)>,
    pub(crate) negated: bool,
}

impl Class {
    /// Whether `unit` is one of the ranges (negation not applied).
    fn has(&self, unit: u16) -> bool {
        let i = self.ranges.partition_point(|&(_, hi)| hi < unit);
        self.ranges.get(i).is_some_and(|&(lo, _)| lo <= unit)
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Inst {
    /// One code unit (already folded in a case-insensitive pattern).
    Unit(u16),
    /// `.`: any unit but a line terminator.
    Dot,
    /// A class of the program's list (by index: instructions stay `Copy`, so copying code is a memcpy).
    Class(usize),
    Look(Look),
    /// Continue both at the next instruction and this many instructions ahead.
    Split(usize),
    /// Continue this many instructions ahead (or back, when negative).
    Jump(isize),
    Match,
}

#[derive(Debug)]
pub(crate) struct Program {
    insts: Vec<Inst>,
    classes: Vec<Class>,
    insensitive: bool,
    /// Every path from the start meets `^` before consuming input, so only position 0 can start a match.
    anchored: bool,
}

impl Program {
    /// The program of `code` (with its `classes`) followed by a match.
    pub(crate) fn new(mut insts: Vec<Inst>, classes: Vec<Class>, insensitive: bool) -> Program {
        insts.push(Inst::Match);
        let anchored = starts_anchored(&insts);
        Program {
            insts,
            classes,
            insensitive,
            anchored,
        }
    }
}

/// Whether every path from the first instruction that consumes no input reaches `^` first.
fn starts_anchored(insts: &[Inst]) -> bool {
    let mut seen = vec![false; insts.len()];
    let mut stack = vec![0];
    while let Some(pc) = stack.pop() {
        match (insts.get(pc), seen.get_mut(pc)) {
            (_, Some(true)) | (Some(Inst::Look(Look::Start)), _) => {}
            (Some(Inst::Split(to)), Some(seen)) => {
                *seen = true;
                stack.extend([pc + 1, pc + to]);
            }
            (Some(Inst::Jump(to)), Some(seen)) => {
                *seen = true;
                stack.push(pc.wrapping_add_signed(*to));
            }
            _ => return false,
        }
    }
    true
}

fn is_word(unit: Option<u16>) -> bool {
    unit.is_some_and(|u| matches!(u, 0x30..=0x39 | 0x41..=0x5A | 0x5F | 0x61..=0x7A))
}

impl Program {
    pub(crate) fn is_match(&self, haystack: &str) -> bool {
        let units: Vec<u16> = haystack.encode_utf16().collect();
        // `marks[pc]` is one more than the last position whose thread list holds `pc`: the lists of this
        // position and the next never hold a stale mark, so no list needs clearing.
        let mut marks = vec![0; self.insts.len()];
        let mut current = Vec::new();
        let mut next = Vec::new();
        let mut stack = Vec::new();
        for at in 0..=units.len() {
            let before = at.checked_sub(1).and_then(|i| units.get(i).copied());
            let here = units.get(at).copied();
            let threads = (&mut marks, &mut stack);
            if (at == 0 || !self.anchored)
                && self.add(&mut current, threads, at + 1, 0, before, here)
            {
                return true;
            }
            if current.is_empty() && (self.anchored || at == units.len()) {
                return false;
            }
            let Some(unit) = here else {
                return false;
            };
            let folded = if self.insensitive { fold(unit) } else { unit };
            let after = units.get(at + 1).copied();
            for &pc in &current {
                let advance = match self.insts.get(pc) {
                    Some(Inst::Unit(expected)) => *expected == folded,
                    Some(Inst::Dot) => !matches!(unit, 0x0A | 0x0D | 0x2028 | 0x2029),
                    Some(Inst::Class(i)) => self.classes.get(*i).is_some_and(|class| {
                        (class.has(unit) || (self.insensitive && class.has(folded)))
                            != class.negated
                    }),
                    _ => false,
                };
                let threads = (&mut marks, &mut stack);
                if advance && self.add(&mut next, threads, at + 2, pc + 1, here, after) {
                    return true;
                }
            }
            std::mem::swap(&mut current, &mut next);
            next.clear();
        }
        false
    }

    /// Adds `pc` and everything reachable from it without consuming input, between units `before` and
    /// `here`, to `list` (whose entries are marked `mark`); true when that reaches a match.
    fn add(
        &self,
        list: &mut Vec<usize>,
        (marks, stack): (&mut Vec<usize>, &mut Vec<usize>),
        mark: usize,
        pc: usize,
        before: Option<u16>,
        here: Option<u16>,
    ) -> bool {
        stack.clear();
        stack.push(pc);
        while let Some(pc) = stack.pop() {
            match marks.get_mut(pc) {
                Some(m) if *m != mark => *m = mark,
                _ => continue,
            }
            list.push(pc);
            match self.insts.get(pc) {
                Some(Inst::Match) => return true,
                Some(Inst::Jump(to)) => stack.push(pc.wrapping_add_signed(*to)),
                Some(Inst::Split(to)) => stack.extend([pc + to, pc + 1]),
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
