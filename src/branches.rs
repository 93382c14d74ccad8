//! Where the backend's build scanner records branches, found in a JavaScript or TypeScript source.
//!
//! The scanner numbers branches the way istanbul does: one branch per construct, its id at the
//! construct's start, its leaves numbered from 0 in source order.
//! - `if`: at the `if` keyword; leaf 0 the `then` statement, leaf 1 the `else` statement, or an
//!   implicit `else` when there is none;
//! - `a ? b : c`: at the start of the test (the whole conditional expression); leaf 0 the
//!   consequent, leaf 1 the alternate;
//! - `switch`: at the `switch` keyword; one leaf per `case` or `default` clause;
//! - `a && b || c ?? d`: at the start of the whole chain, flattened through operators and
//!   parentheses (`(a || b) && c` is one branch of three leaves); one leaf per operand;
//! - a default parameter value (`function f(a = 1)`): at the value; one leaf.
//!
//! A small recursive-descent reader over [`tokenize`]'s tokens finds them: statements,
//! expressions with just the precedence levels that bound these constructs (assignment, `?:`,
//! the logical operators, everything tighter), functions, classes and object literals. In a
//! TypeScript file it skips types (annotations, `as`, generics, `type` and `interface`
//! declarations), so that `x?: T`, `a!`, `f<T>()` and conditional types make no branch. It
//! never fails: on input it cannot read it moves on by a token, and every bracket group ends at
//! its matching closer.

use crate::tokens::Sym::{self, *};
use crate::tokens::{tokenize, Kind, Token};

/// A stretch of the source, in bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

/// One leaf's code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leaf {
    /// The leaf's own code (a statement, an operand, a clause).
    pub code: Span,
    /// The operator V8's range for the leaf starts at (`?`, `:`, `&&`, the `=` of a default
    /// value), when the leaf follows one.
    pub operator: Option<u32>,
}

/// One branch the scanner records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BranchPoint {
    /// Byte offset of the id position.
    pub at: u32,
    /// The leaves with code of their own, in leaf order.
    pub leaves: Vec<Leaf>,
    /// An `if` without `else`: the statement's code. Its implicit else is one more leaf, which
    /// ran as often as the statement minus leaf 0.
    pub implicit_else: Option<Span>,
}

/// Every branch of `source`, ordered by position. `typescript` reads TypeScript syntax.
pub fn find_branches(source: &str, typescript: bool) -> Vec<BranchPoint> {
    let mut finder = Finder {
        source,
        tokens: tokenize(source),
        pos: 0,
        ts: typescript,
        depth: 0,
        no_in: false,
        untyped_arrow: usize::MAX,
        speculating: false,
        points: Vec::new(),
    };
    let end = finder.tokens.len();
    finder.statements(end);
    // In source order; constructs at one position keep the order they were found in. (Keys
    // sorted as the segments' are: one sort in the module.)
    let mut order: Vec<(u64, u32)> = (finder.points.iter().enumerate())
        .map(|(seq, point)| ((u64::from(point.at) << 32) + seq as u64, seq as u32))
        .collect();
    order.sort_unstable();
    let mut points = finder.points;
    order
        .iter()
        .map(|&(_, seq)| std::mem::take(&mut points[seq as usize]))
        .collect()
}

/// Whether a path names a TypeScript file.
pub fn is_typescript(path: &str) -> bool {
    [".ts", ".tsx", ".mts", ".cts"]
        .iter()
        .any(|ext| path.ends_with(ext))
}

/// Nesting beyond which a construct is skipped rather than read (the stack stays small).
const MAX_DEPTH: u32 = 400;

const BINARY: [Sym; 20] = [
    Plus, Minus, Star, Slash, Percent, StarStar, EqEq, NotEq, EqEqEq, NotEqEq, Lt, Gt, LtEq, GtEq,
    Shl, Shr, Ushr, Amp, Pipe, Caret,
];

/// Read before an operand (`new` too: `new F(a || b) || c` is one chain starting at `new`).
const PREFIX: [Sym; 11] = [
    Bang, Tilde, Plus, Minus, Inc, Dec, Typeof, Void, Delete, Await, New,
];

const CLASS_MODIFIERS: [Sym; 12] = [
    Static, Public, Private, Protected, Readonly, Abstract, Override, Declare, Accessor, Async,
    Get, Set,
];

const PARAMETER_MODIFIERS: [Sym; 5] = [Public, Private, Protected, Readonly, Override];

const TYPE_PREFIXES: [Sym; 8] = [
    Keyof, Typeof, Readonly, Unique, Infer, Asserts, Abstract, New,
];

struct Finder<'a> {
    source: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    ts: bool,
    depth: u32,
    /// Reading a `for` head's target, where `in` is no operator.
    no_in: bool,
    /// The token where `(a): T => b` is no arrow with a return type (see `consequent_arrow`).
    untyped_arrow: usize,
    /// Reading ahead for `consequent_arrow` (which does not read ahead again inside).
    speculating: bool,
    points: Vec<BranchPoint>,
}

impl Finder<'_> {
    // --- tokens --------------------------------------------------------------------------

    fn token(&self, at: usize) -> Option<&Token> {
        self.tokens.get(at)
    }

    /// The first byte of the token at `at` (0 past the end).
    fn first_byte(&self, at: usize) -> u8 {
        self.token(at)
            .and_then(|t| self.source.as_bytes().get(t.start as usize))
            .map_or(0, |&b| b)
    }

    fn sym(&self, at: usize) -> Sym {
        self.token(at).map_or(Sym::Other, |t| t.sym)
    }

    fn is(&self, sym: Sym) -> bool {
        self.sym(self.pos) == sym
    }

    fn is_at(&self, at: usize, sym: Sym) -> bool {
        self.sym(at) == sym
    }

    fn next_is(&self, sym: Sym) -> bool {
        self.sym(self.pos + 1) == sym
    }

    fn kind(&self, at: usize) -> Option<Kind> {
        self.token(at).map(|t| t.kind)
    }

    fn eat(&mut self, sym: Sym) -> bool {
        let found = self.is(sym);
        self.pos += usize::from(found);
        found
    }

    /// Whether a line ends before the token at `at`.
    fn line_before(&self, at: usize) -> bool {
        self.token(at).is_some_and(|t| t.line_before)
    }

    /// Where the current token starts (the source's end past the last token).
    fn start(&self) -> u32 {
        self.token(self.pos)
            .map_or(self.source.len() as u32, |t| t.start)
    }

    /// Where the last token read ends.
    fn end(&self) -> u32 {
        self.pos
            .min(self.tokens.len())
            .checked_sub(1)
            .and_then(|at| self.token(at))
            .map_or(0, |t| t.end)
    }

    /// The matching closer of the opener at the current token.
    fn close(&self) -> usize {
        self.token(self.pos).map_or(self.pos, |t| t.close as usize)
    }

    /// Moves past the closer at `close` (never backwards).
    fn leave(&mut self, close: usize) {
        self.pos = self.pos.max(close + 1);
    }

    fn skip_group(&mut self) {
        let close = self.close();
        self.leave(close);
    }

    fn is_word(&self, at: usize) -> bool {
        self.kind(at) == Some(Kind::Word)
    }

    fn push(&mut self, at: u32, leaves: Vec<Leaf>) {
        self.points.push(BranchPoint {
            at,
            leaves,
            implicit_else: None,
        });
    }

    /// Reads one construct with `read` unless nested too deep, where it skips a token or group.
    fn nested(&mut self, read: fn(&mut Self)) {
        if self.depth >= MAX_DEPTH {
            let close = self.close();
            self.leave(close);
            return;
        }
        self.depth += 1;
        read(self);
        self.depth -= 1;
    }

    // --- statements ----------------------------------------------------------------------

    /// Statements up to the token at `end`.
    fn statements(&mut self, end: usize) {
        while self.pos < end {
            let before = self.pos;
            self.statement();
            if self.pos == before {
                self.pos += 1;
            }
        }
    }

    fn block(&mut self) {
        let close = self.close();
        self.pos += 1;
        self.statements(close);
        self.leave(close);
    }

    /// One statement, with its `;`.
    fn statement(&mut self) {
        self.nested(Self::statement_body);
        self.eat(Semi);
    }

    fn statement_body(&mut self) {
        let next_word = self.is_word(self.pos + 1) && !self.line_before(self.pos + 1);
        match self.sym(self.pos) {
            LBrace => self.block(),
            If => self.if_statement(),
            Switch => self.switch_statement(),
            Var | Let | Const => self.declaration(),
            For => {
                self.for_head();
                self.statement();
            }
            While | With => {
                self.pos += 1;
                self.head();
                self.statement();
            }
            Do => {
                self.pos += 1;
                self.statement();
                if self.eat(While) {
                    self.head();
                }
            }
            Return | Throw => {
                self.pos += 1;
                // A line break ends a bare `return`.
                if !self.line_before(self.pos) {
                    self.expression();
                }
            }
            Break | Continue => self.pos += 1 + usize::from(next_word),
            Import if !self.next_is(LParen) && !self.next_is(Dot) => self.module_clause(),
            Export => self.export(),
            Type if self.ts && next_word => {
                self.pos += 2;
                if self.is(Lt) {
                    self.skip_angle();
                }
                if self.eat(Assign) {
                    self.skip_type();
                }
            }
            Interface | Enum if next_word => {
                let enumeration = self.is(Enum);
                while self.pos < self.tokens.len() && !self.is(LBrace) {
                    self.pos += 1;
                }
                if enumeration {
                    self.object(); // member initializers are code
                } else {
                    self.skip_group();
                }
            }
            _ if self.is_word(self.pos) && self.next_is(Colon) => {
                self.pos += 2; // a label, then its statement
                self.statement();
            }
            _ => self.expression(),
        }
    }

    fn if_statement(&mut self) {
        let at = self.start();
        self.pos += 1;
        self.head();
        let then = self.statement_leaf();
        let mut leaves = vec![then];
        let has_else = self.is(Else);
        if has_else {
            self.pos += 1;
            leaves.push(self.statement_leaf());
        }
        let implicit_else = (!has_else).then(|| Span {
            start: at,
            end: self.end().max(at),
        });
        self.points.push(BranchPoint {
            at,
            leaves,
            implicit_else,
        });
    }

    fn statement_leaf(&mut self) -> Leaf {
        let start = self.start();
        self.statement();
        Leaf {
            code: Span {
                start,
                end: self.end().max(start),
            },
            operator: None,
        }
    }

    /// A parenthesised statement head: `(test)`.
    fn head(&mut self) {
        if self.is(LParen) {
            self.group(Self::expression);
        }
    }

    /// A `for` head: `(init; test; update)`, `(x of xs)`, `(const x in o)`.
    fn for_head(&mut self) {
        self.pos += 1;
        self.eat(Await);
        if self.is(LParen) {
            let close = self.close();
            self.pos += 1;
            self.list(close, |finder| {
                // `in` ends the target (`let`, `const` and `var` read as words before it).
                finder.no_in = true;
                finder.expression();
                finder.no_in = false;
                if finder.eat(In) || finder.eat(Of) {
                    finder.expression();
                }
            });
        }
    }

    fn switch_statement(&mut self) {
        let at = self.start();
        self.pos += 1;
        self.head();
        if !self.is(LBrace) {
            return;
        }
        let close = self.close();
        self.pos += 1;
        let mut leaves: Vec<Leaf> = Vec::new();
        while self.pos < close {
            let before = self.pos;
            let clause = self.is(Case) || self.is(Default) && !self.next_is(LParen);
            if clause {
                if let Some(last) = leaves.last_mut() {
                    last.code.end = self.end().max(last.code.start);
                }
                let start = self.start();
                let is_case = self.is(Case);
                self.pos += 1;
                if is_case {
                    self.expression();
                }
                self.eat(Colon);
                leaves.push(Leaf {
                    code: Span { start, end: start },
                    operator: None,
                });
            } else {
                self.statement();
            }
            if self.pos == before {
                self.pos += 1;
            }
        }
        if let Some(last) = leaves.last_mut() {
            last.code.end = self.end().max(last.code.start);
        }
        self.leave(close);
        if !leaves.is_empty() {
            self.push(at, leaves);
        }
    }

    /// `let`/`const`/`var` and its declarators (a `for` head reads them as expressions).
    fn declaration(&mut self) {
        self.pos += 1;
        loop {
            self.primary();
            if self.ts {
                self.eat(Bang);
                if self.eat(Colon) {
                    self.skip_type();
                }
            }
            if self.eat(Assign) {
                self.assignment();
            }
            if !self.eat(Comma) {
                break;
            }
        }
    }

    fn export(&mut self) {
        self.pos += 1;
        match self.sym(self.pos) {
            Default => self.pos += 1,
            Star | LBrace | Import => self.module_clause(),
            Type if self.next_is(LBrace) || self.next_is(Star) => self.module_clause(),
            _ => {}
        }
    }

    /// Skips an `import` or `export ... from` clause: up to `;`, or a line end after a complete
    /// clause (its module string, `with { ... }` or `}`).
    fn module_clause(&mut self) {
        let first = self.pos;
        while let Some(token) = self.token(self.pos).copied() {
            let text = self.sym(self.pos);
            if text == Semi {
                self.pos += 1;
                return;
            }
            let previous = self.sym(self.pos.wrapping_sub(1));
            if self.pos > first
                && token.line_before
                && !matches!(
                    previous,
                    Comma | Import | Export | Type | From | As | Star | Assign | Typeof
                )
            {
                return;
            }
            if matches!(text, LParen | LBracket | LBrace) {
                self.skip_group();
            } else {
                self.pos += 1;
            }
        }
    }

    // --- expressions ---------------------------------------------------------------------

    /// A comma-separated expression.
    fn expression(&mut self) {
        loop {
            self.assignment();
            if !self.eat(Comma) {
                break;
            }
        }
    }

    /// An assignment expression (arrows, `yield`, `?:` and assignments); true when it is a
    /// bare logical chain, whose branch is the last one found.
    fn assignment(&mut self) -> bool {
        if self.depth >= MAX_DEPTH {
            self.nested(|_| {});
            return false;
        }
        self.depth += 1;
        let chain = self.assignment_inner();
        self.depth -= 1;
        chain
    }

    fn assignment_inner(&mut self) -> bool {
        if self.is(Yield) {
            self.pos += 1;
            if !self.line_before(self.pos) && self.starts_expression(self.pos) {
                self.assignment();
            }
            return false;
        }
        if self.arrow_ahead() {
            self.arrow();
            return false;
        }
        let chain = self.conditional();
        if self.is(Assign) || self.is(AssignOp) {
            self.pos += 1;
            self.assignment();
            return false;
        }
        chain
    }

    fn starts_expression(&self, at: usize) -> bool {
        match self.kind(at) {
            None => false,
            Some(Kind::Punct) => !matches!(
                self.sym(at),
                RParen
                    | RBracket
                    | RBrace
                    | Semi
                    | Comma
                    | Colon
                    | Question
                    | Arrow
                    | Assign
                    | QuestionDot
                    | Dot
            ),
            Some(Kind::TemplateMiddle | Kind::TemplateTail) => false,
            Some(_) => !matches!(self.sym(at), In | Of | Instanceof | As),
        }
    }

    fn conditional(&mut self) -> bool {
        let at = self.start();
        let chain = self.chain();
        if !self.is(Question) {
            return chain;
        }
        let question = self.start();
        self.pos += 1;
        if self.ts && !self.speculating {
            self.consequent_arrow();
        }
        let consequent = self.operand_leaf(Some(question), Self::assignment);
        let colon = self.start();
        let alternate = if self.eat(Colon) {
            self.operand_leaf(Some(colon), Self::assignment)
        } else {
            consequent
        };
        self.push(at, vec![consequent, alternate]);
        false
    }

    /// TypeScript reads `(a): T => b` in a conditional's consequent as an arrow only when a `:`
    /// follows it: `x ? (a) : b => c` is a conditional whose alternate is `b => c`. Reads such
    /// an arrow ahead, and when no `:` follows, marks its first token as no arrow.
    fn consequent_arrow(&mut self) {
        let (pos, found) = (self.pos, self.points.len());
        if !self.arrow_ahead() {
            return;
        }
        let mut params = pos + usize::from(self.is(Async));
        if self.is_at(params, Lt) {
            params = self.angle_end(params).unwrap_or(params);
        }
        let after = self.token(params).map_or(params, |t| t.close as usize) + 1;
        if !self.is_at(after, Colon) {
            return;
        }
        self.speculating = true;
        self.arrow();
        self.speculating = false;
        if !self.is(Colon) {
            self.untyped_arrow = pos;
        }
        self.points.truncate(found);
        self.pos = pos;
    }

    fn operand_leaf(&mut self, operator: Option<u32>, read: fn(&mut Self) -> bool) -> Leaf {
        let start = self.start();
        read(self);
        Leaf {
            code: Span {
                start,
                end: self.end().max(start),
            },
            operator,
        }
    }

    /// A flattened `&&`/`||`/`??` chain; true when the expression is one (also when it is one
    /// parenthesised chain).
    fn chain(&mut self) -> bool {
        let at = self.start();
        let mut leaves: Vec<Leaf> = Vec::new();
        let mut operator = None;
        loop {
            let start = self.start();
            let parenthesised_chain = self.binary();
            let more = matches!(self.sym(self.pos), And | Or | Nullish);
            if parenthesised_chain && (more || !leaves.is_empty()) {
                if let Some(inner) = self.points.pop() {
                    let mut inner_leaves = inner.leaves.into_iter();
                    if let Some(first) = inner_leaves.next() {
                        leaves.push(Leaf { operator, ..first });
                    }
                    leaves.extend(inner_leaves);
                }
            } else {
                leaves.push(Leaf {
                    code: Span {
                        start,
                        end: self.end().max(start),
                    },
                    operator,
                });
            }
            if !more {
                if operator.is_none() {
                    return parenthesised_chain;
                }
                break;
            }
            operator = Some(self.start());
            self.pos += 1;
        }
        self.push(at, leaves);
        true
    }

    /// Operands joined by operators tighter than the logical ones; true when it is one
    /// parenthesised chain.
    fn binary(&mut self) -> bool {
        let mut chain = self.unary();
        loop {
            let text = self.sym(self.pos);
            if BINARY.contains(&text) || text == Instanceof || text == In && !self.no_in {
                self.pos += 1;
                self.unary();
            } else if self.ts && matches!(text, As | Satisfies) && !self.line_before(self.pos) {
                self.pos += 1;
                self.skip_type();
            } else {
                return chain;
            }
            chain = false;
        }
    }

    fn unary(&mut self) -> bool {
        let mut prefixed = false;
        loop {
            let text = self.sym(self.pos);
            if PREFIX.contains(&text) && (text != Await || self.starts_expression(self.pos + 1)) {
                self.pos += 1;
            } else if self.ts && text == Lt {
                match self.angle_end(self.pos) {
                    Some(end) => self.pos = end,
                    None => return false,
                }
            } else {
                break;
            }
            prefixed = true;
        }
        self.postfix() && !prefixed
    }

    fn postfix(&mut self) -> bool {
        let mut chain = self.primary();
        loop {
            let line_before = self.line_before(self.pos);
            match self.sym(self.pos) {
                Dot | QuestionDot => {
                    self.pos += 1;
                    if self.is_word(self.pos) {
                        self.pos += 1;
                    }
                }
                LBracket => self.group(Self::expression),
                LParen => self.arguments(),
                Inc | Dec | Bang if !line_before => self.pos += 1,
                Lt if self.ts => match self.angle_end(self.pos) {
                    Some(end) if self.is_at(end, LParen) || self.template(end) => {
                        self.pos = end;
                    }
                    _ => return chain,
                },
                _ if self.template(self.pos) => {
                    self.primary();
                }
                _ => return chain,
            }
            chain = false;
        }
    }

    fn template(&self, at: usize) -> bool {
        match self.kind(at) {
            Some(Kind::TemplateHead) => true,
            Some(Kind::Literal) => self.first_byte(at) == b'`',
            _ => false,
        }
    }

    /// Reads a bracket group's content with `read`, then moves past its closer.
    fn group(&mut self, read: fn(&mut Self)) {
        let close = self.close();
        self.pos += 1;
        if self.pos < close {
            read(self);
        }
        self.leave(close);
    }

    fn arguments(&mut self) {
        let close = self.close();
        self.pos += 1;
        self.list(close, |finder| {
            finder.eat(Ellipsis);
            finder.assignment();
        });
    }

    /// Comma-separated items up to the closer at `close`, then past it.
    fn list(&mut self, close: usize, item: fn(&mut Self)) {
        while self.pos < close {
            let before = self.pos;
            if !self.eat(Comma) {
                item(self);
            }
            if self.pos == before {
                self.pos += 1;
            }
        }
        self.leave(close);
    }

    /// A primary expression; true when it is a parenthesised bare logical chain.
    fn primary(&mut self) -> bool {
        let Some(token) = self.token(self.pos).copied() else {
            return false;
        };
        match (token.kind, self.sym(self.pos)) {
            (Kind::Word, Function) => self.function(),
            (Kind::Word, Class) => self.class(),
            (Kind::Word, Async) if self.next_is(Function) && !self.line_before(self.pos + 1) => {
                self.pos += 1;
                self.function();
            }
            (Kind::Word | Kind::Literal, _) => self.pos += 1,
            (Kind::TemplateHead, _) => {
                let close = token.close as usize;
                self.pos += 1;
                while self.pos < close {
                    let before = self.pos;
                    self.expression();
                    if self.kind(self.pos) == Some(Kind::TemplateMiddle) || self.pos == before {
                        self.pos += 1;
                    }
                }
                self.leave(close);
            }
            (Kind::Punct, LParen) => {
                let close = self.close();
                self.pos += 1;
                let mut chain = self.pos < close && self.assignment();
                if self.pos < close {
                    chain = false;
                    self.expression();
                }
                self.leave(close);
                return chain;
            }
            (Kind::Punct, LBracket) => {
                let close = self.close();
                self.pos += 1;
                self.list(close, |finder| {
                    finder.eat(Ellipsis);
                    finder.assignment();
                });
            }
            (Kind::Punct, LBrace) => self.object(),
            _ => {}
        }
        false
    }

    /// An object literal (or object pattern).
    fn object(&mut self) {
        let close = self.close();
        self.pos += 1;
        self.list(close, |finder| {
            if finder.eat(Ellipsis) {
                finder.assignment();
                return;
            }
            while matches!(finder.sym(finder.pos), Async | Get | Set)
                && !matches!(
                    finder.sym(finder.pos + 1),
                    LParen | Colon | Comma | RBrace | Assign | Lt
                )
            {
                finder.pos += 1;
            }
            finder.eat(Star);
            finder.key();
            if finder.is(LParen) || finder.is(Lt) {
                finder.function_rest();
            } else if finder.eat(Colon) || finder.eat(Assign) {
                finder.assignment();
            }
        });
    }

    /// A property key: a name, a literal or a computed `[key]`.
    fn key(&mut self) {
        if self.is(LBracket) {
            self.group(Self::expression);
        } else if matches!(self.kind(self.pos), Some(Kind::Word | Kind::Literal)) {
            self.pos += 1;
        }
    }

    fn function(&mut self) {
        self.pos += 1;
        self.eat(Star);
        if self.is_word(self.pos) {
            self.pos += 1;
        }
        self.function_rest();
    }

    /// Type parameters, parameters, return type and body.
    fn function_rest(&mut self) {
        if self.ts && self.is(Lt) {
            self.skip_angle();
        }
        if self.is(LParen) {
            self.parameters(true);
        }
        if self.ts && self.eat(Colon) {
            self.skip_type();
        }
        if self.is(LBrace) {
            self.block();
        }
    }

    /// A parameter list; `defaults` makes each top-level default value a branch.
    fn parameters(&mut self, defaults: bool) {
        let close = self.close();
        self.pos += 1;
        while self.pos < close {
            let before = self.pos;
            if self.is(At) {
                self.pos += 1;
                self.postfix();
                continue;
            }
            if self.ts
                && PARAMETER_MODIFIERS.contains(&self.sym(self.pos))
                && self.is_word(self.pos + 1)
            {
                self.pos += 1;
                continue;
            }
            self.eat(Ellipsis);
            self.primary();
            if self.ts {
                self.eat(Question);
                if self.eat(Colon) {
                    self.skip_type();
                }
            }
            let equals = self.start();
            if self.eat(Assign) {
                let first = self.pos;
                let leaf = self.operand_leaf(Some(equals), Self::assignment);
                if defaults {
                    let at = self.unparenthesised(first, self.pos);
                    self.push(at, vec![leaf]);
                }
            }
            self.eat(Comma);
            if self.pos == before {
                self.pos += 1;
            }
        }
        self.leave(close);
    }

    /// Where the expression of tokens `[first, end)` starts inside the parentheses that wrap
    /// all of it (a parser's node for `(x)` is `x`).
    fn unparenthesised(&self, mut first: usize, mut end: usize) -> u32 {
        while self.is_at(first, LParen)
            && self
                .token(first)
                .is_some_and(|t| t.close as usize + 1 == end)
        {
            first += 1;
            end -= 1;
        }
        self.token(first).map_or(self.end(), |t| t.start)
    }

    fn class(&mut self) {
        self.pos += 1;
        if self.is_word(self.pos) && !self.is(Extends) && !self.is(Implements) {
            self.pos += 1;
        }
        if self.ts && self.is(Lt) {
            self.skip_angle();
        }
        if self.eat(Extends) {
            self.postfix();
            if self.ts && self.is(Lt) {
                self.skip_angle();
            }
        }
        if self.is(Implements) {
            while self.pos < self.tokens.len() && !self.is(LBrace) {
                self.pos += 1;
            }
        }
        if !self.is(LBrace) {
            return;
        }
        let close = self.close();
        self.pos += 1;
        while self.pos < close {
            let before = self.pos;
            self.member();
            if self.pos == before {
                self.pos += 1;
            }
        }
        self.leave(close);
    }

    fn member(&mut self) {
        if self.is(At) {
            self.pos += 1;
            self.postfix();
            return;
        }
        if self.is(Static) && self.next_is(LBrace) {
            self.pos += 1;
            self.block();
            return;
        }
        while CLASS_MODIFIERS.contains(&self.sym(self.pos))
            && !matches!(
                self.sym(self.pos + 1),
                LParen | Assign | Semi | Colon | Question | Bang | RBrace | Lt | Comma
            )
        {
            self.pos += 1;
        }
        self.eat(Star);
        self.key();
        self.eat(Question);
        self.eat(Bang);
        if self.is(LParen) || self.is(Lt) {
            self.function_rest();
        } else if self.ts && self.eat(Colon) {
            self.skip_type();
        }
        if self.eat(Assign) {
            self.assignment();
        }
    }

    // --- arrows --------------------------------------------------------------------------

    /// Whether an arrow function starts at the current token.
    fn arrow_ahead(&mut self) -> bool {
        let mut at = self.pos;
        if self.sym(at) == Async
            && !self.line_before(at + 1)
            && (self.is_word(at + 1) || matches!(self.sym(at + 1), LParen | Lt))
        {
            at += 1;
        }
        if self.is_word(at) {
            return self.sym(at + 1) == Arrow;
        }
        if self.ts && self.sym(at) == Lt {
            match self.angle_end(at) {
                Some(end) => at = end,
                None => return false,
            }
        }
        if self.sym(at) != LParen {
            return false;
        }
        let after = self.token(at).map_or(at, |t| t.close as usize) + 1;
        match self.sym(after) {
            Arrow => true,
            Colon if self.ts && self.pos != self.untyped_arrow => {
                let saved = self.pos;
                self.pos = after + 1;
                self.skip_type();
                let arrow = self.is(Arrow);
                self.pos = saved;
                arrow
            }
            _ => false,
        }
    }

    fn arrow(&mut self) {
        if self.is(Async) && !self.next_is(Arrow) {
            self.pos += 1;
        }
        if self.ts && self.is(Lt) {
            self.skip_angle();
        }
        if self.is(LParen) {
            self.parameters(true);
        } else {
            self.pos += 1;
        }
        if self.ts && self.eat(Colon) {
            self.skip_type();
        }
        self.eat(Arrow);
        if self.is(LBrace) {
            self.block();
        } else {
            self.assignment();
        }
    }

    // --- TypeScript types ----------------------------------------------------------------

    /// The index just past the `>` matching the `<` at `at`, when what is between can be type
    /// arguments.
    fn angle_end(&self, at: usize) -> Option<usize> {
        let mut depth = 0usize;
        let mut i = at;
        while let Some(token) = self.token(i).filter(|_| i < at + 400) {
            match self.sym(i) {
                Lt => depth += 1,
                closer @ (Gt | Shr | Ushr) => {
                    let closes = match closer {
                        Gt => 1,
                        Shr => 2,
                        _ => 3,
                    };
                    depth = depth.saturating_sub(closes);
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                LParen | LBracket | LBrace => i = token.close as usize,
                RParen | RBracket | RBrace | Semi | And | Or | Nullish => return None,
                // A template is scanned part by part (a type holds no `&&`/`||`; an expression may).
                _ => {}
            }
            i += 1;
        }
        None
    }

    fn skip_angle(&mut self) {
        match self.angle_end(self.pos) {
            Some(end) => self.pos = end,
            None => self.pos += 1,
        }
    }

    /// Skips a type.
    fn skip_type(&mut self) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        self.depth += 1;
        self.skip_type_inner();
        self.depth -= 1;
    }

    fn skip_type_inner(&mut self) {
        loop {
            while matches!(self.sym(self.pos), Pipe | Amp)
                || TYPE_PREFIXES.contains(&self.sym(self.pos))
                    && !matches!(
                        self.sym(self.pos + 1),
                        Dot | Comma | RParen | Gt | Semi | Assign
                    )
            {
                self.pos += 1;
            }
            let Some(token) = self.token(self.pos).copied() else {
                return;
            };
            match (token.kind, self.sym(self.pos)) {
                (Kind::Punct, LParen) => {
                    self.skip_group();
                    if self.eat(Arrow) {
                        self.skip_type();
                        return;
                    }
                }
                (Kind::Punct, LBracket | LBrace) | (Kind::TemplateHead, _) => self.skip_group(),
                (Kind::Punct, Lt) => {
                    self.skip_angle();
                    continue;
                }
                (Kind::Punct, Minus) => self.pos += 2,
                (Kind::Word, _) => {
                    let import = self.is(Import);
                    self.pos += 1;
                    if import && self.is(LParen) {
                        self.skip_group();
                    }
                    while self.is(Dot) {
                        self.pos += 2;
                    }
                    if self.is(Lt) && !self.line_before(self.pos) {
                        self.skip_angle();
                    }
                }
                (Kind::Literal, _) => self.pos += 1,
                _ => return,
            }
            while self.is(LBracket) && !self.line_before(self.pos) {
                self.skip_group();
            }
            if self.is(Is) && !self.line_before(self.pos) {
                self.pos += 1;
                continue;
            }
            if self.eat(Extends) {
                self.skip_type();
                if self.eat(Question) {
                    self.skip_type();
                    self.eat(Colon);
                    self.skip_type();
                }
                return;
            }
            if !(self.is(Pipe) || self.is(Amp)) {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each branch as `text at the id: leaf texts`, leaves cut to 12 characters; `+else` marks
    /// an implicit else.
    fn branches(source: &str, ts: bool) -> Vec<String> {
        let cut = |s: Span| -> String {
            source[s.start as usize..s.end as usize]
                .chars()
                .take(12)
                .collect()
        };
        find_branches(source, ts)
            .iter()
            .map(|p| {
                let leaves: Vec<String> = p.leaves.iter().map(|l| cut(l.code)).collect();
                let at: String = source[p.at as usize..].chars().take(6).collect();
                let rest = if p.implicit_else.is_some() {
                    " +else"
                } else {
                    ""
                };
                format!("{at}: {}{rest}", leaves.join(" | "))
            })
            .collect()
    }

    /// Prints what it finds, one branch a line, for the expectations below.
    fn show(source: &str, ts: bool) -> String {
        branches(source, ts).join("\n")
    }

    /// A branch point as tests/fixtures/branch-forms/generate.mjs writes it: `line:column` of
    /// the id, each leaf `start-end[@operator]`, then `else start-end` for an implicit else.
    fn describe(source: &str, point: &BranchPoint) -> String {
        let before = &source[..point.at as usize];
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map_or(0, |at| at + 1);
        let leaves: Vec<String> = (point.leaves.iter())
            .map(|leaf| {
                let operator = leaf.operator.map_or(String::new(), |at| format!("@{at}"));
                format!("{}-{}{operator}", leaf.code.start, leaf.code.end)
            })
            .collect();
        let otherwise =
            (point.implicit_else).map_or(String::new(), |s| format!(" else {}-{}", s.start, s.end));
        format!("{line}:{column} {}{otherwise}", leaves.join(", "))
    }

    /// Real sources with every form, nested, among the syntax around them, against the branch
    /// points TypeScript's own parser gives (and, for JavaScript, acorn's ids and operators):
    /// tests/fixtures/branch-forms/expected.json, written by generate.mjs there.
    #[test]
    fn every_form_matches_the_parsers_branches() {
        let expected: std::collections::BTreeMap<String, Vec<String>> =
            serde_json::from_str(include_str!("../tests/fixtures/branch-forms/expected.json"))
                .unwrap();
        macro_rules! source {
            ($name:literal) => {
                (
                    $name,
                    include_str!(concat!("../tests/fixtures/branch-forms/", $name)),
                )
            };
        }
        let sources = [
            source!("forms.js"),
            source!("forms.ts"),
            source!("edges.js"),
            source!("edges.ts"),
        ];
        // Every source the generator read is checked (its other key is tests/branch_counts.rs').
        let read = expected.keys().filter(|key| !key.ends_with(" footprints"));
        assert_eq!(read.count(), sources.len());
        for (name, source) in sources {
            let mut found: Vec<(u32, String)> = find_branches(source, is_typescript(name))
                .iter()
                .map(|point| (point.at, describe(source, point)))
                .collect();
            found.sort();
            let found: Vec<String> = found.into_iter().map(|(_, line)| line).collect();
            let want = &expected[name];
            let missing: Vec<&String> = want.iter().filter(|l| !found.contains(l)).collect();
            let extra: Vec<&String> = found.iter().filter(|l| !want.contains(l)).collect();
            assert_eq!(
                (&found, name),
                (want, name),
                "missing {missing:#?}\nextra {extra:#?}"
            );
        }
    }

    #[test]
    fn if_statements() {
        let found = show("if (a) b(); else if (c) { d } else e;\nif (f) g", false);
        assert_eq!(
            found,
            "if (a): b(); | if (c) { d }\nif (c): { d } | e;\nif (f): g +else"
        );
    }

    #[test]
    fn ternaries_and_logical_chains() {
        let found = show("x = a || b ? c && d : (e ?? f) || g;", false);
        assert_eq!(
            found,
            "a || b: a | b\na || b: c && d | (e ?? f) || \nc && d: c | d\n(e ?? : e | f | g"
        );
        let found = show("y = (a + b) * c || !(d && e) || (f || g).h;", false);
        assert_eq!(
            found,
            "(a + b: (a + b) * c | !(d && e) | (f || g).h\nd && e: d | e\nf || g: f | g"
        );
        assert_eq!(show("z = ((a || b));", false), "a || b: a | b");
        assert_eq!(show("z = ((a || b)) && c;", false), "((a ||: a | b | c");
    }

    #[test]
    fn switches_and_default_parameters() {
        let found = show(
            "switch (k) { case 1: case 2: a(); break; default: b }\nswitch (x) {}",
            false,
        );
        assert_eq!(found, "switch: case 1: | case 2: a(); | default: b");
        let found = show("function f(a, b = 1, { c } = {}, d = (e || g)) {}", false);
        assert_eq!(
            found,
            "1, { c: 1\n{}, d : {}\ne || g: e | g\ne || g: (e || g)"
        );
        assert_eq!(
            show("(a = x ? 1 : 2) => a", false),
            "x ? 1 : 1 | 2\nx ? 1 : x ? 1 : 2"
        );
        assert_eq!(
            show("class A { m(a = 1) {} static s(b = 2) {} }", false),
            "1) {} : 1\n2) {} : 2"
        );
    }

    #[test]
    fn javascript_that_looks_like_branches() {
        let found = show(
            "r = /a?b:c|&&/g.test(s) ? `${a ? 1 : 2}?` : '?:';\nx ??= y; z?.w; q = c?.5:1; l: for (;;) break l;",
            false,
        );
        assert_eq!(
            found,
            "/a?b:c: `${a ? 1 : 2 | '?:'\na ? 1 : 1 | 2\nc?.5:1: .5 | 1"
        );
        let found = show(
            "o = { get a() { return b || c }, set: d && e, if: 1 }",
            false,
        );
        assert_eq!(found, "b || c: b | c\nd && e: d | e");
        assert_eq!(
            // No line break ends `a`: the `/` divides.
            show("x = a\n/b/g.exec(c) || d", false),
            "a\n/b/g: a\n/b/g.exec( | d"
        );
    }

    #[test]
    fn typescript_types_make_no_branches() {
        let source = "\
            type C<T = A> = T extends string ? 'a' : 'b';\n\
            interface I { a?: string; b: T extends U ? X : Y }\n\
            function f<T>(a?: T, b: X extends Y ? 1 : 2 = 3): A | B { return a! || b as any }\n\
            const g = <T,>(x: T): x is T => x && y;\n\
            let v: Map<string, number> | undefined = m?.get(k)!;\n\
            class K<T> extends B<T> implements I { private x?: number = 1; constructor(readonly y = 2) { super() }\n\
              abstract m(): void; [key: string]: any; n = (a: T) => (a ? 1 : 2) }\n\
            enum E { A = 1, B = x ? 2 : 3 }\n\
            declare module 'm' { export function h(a?: T): void; }\n\
            namespace N { export const z = f<string>(q) ?? 0 }\n\
            if (a < b && c > d) e();";
        assert_eq!(
            show(source, true),
            "3): A : 3\n\
             a! || : a! | b as any\n\
             x && y: x | y\n\
             2) { s: 2\n\
             a ? 1 : 1 | 2\n\
             x ? 2 : 2 | 3\n\
             f<stri: f<string>(q) | 0\n\
             if (a : e(); +else\n\
             a < b : a < b | c > d"
        );
    }

    #[test]
    fn statements_around_branches() {
        // Labels, `static {}` blocks, dynamic imports, `const enum`, `async function` operands.
        let found = show(
            "l: if (a) b;\nclass K { static { c || d } }\nimport('m').then((e) => e ?? f);\n\
             const enum E { A = g ? 1 : 2 }\nh = async function () {} || i;",
            true,
        );
        assert_eq!(
            found,
            "if (a): b; +else\nc || d: c | d\ne ?? f: e | f\ng ? 1 : 1 | 2\nasync : async functi | i"
        );
        // Module clauses make no branch and end where the next statement starts.
        let found = show(
            "import a, {\n b as c } from 'd'\nexport * as e from 'f' with { type: 'json' }\nx = y || z",
            false,
        );
        assert_eq!(found, "y || z: y | z");
        // A statement keyword is no callee: `(` after it starts an expression (also after a line
        // break, where an expression statement would go on as a call).
        let found = show(
            "do (a || b) && c; while (d) (e || f) && g\nfor (;;) (h || i) && j\nreturn (k || l) && m\n\
             break\n(n || o) && p\nimport q from 'r'\n(s || t) && u\nexport { v } from 'w'\n(x || y) && z",
            false,
        );
        assert_eq!(
            found,
            "(a || : a | b | c\n(e || : e | f | g\n(h || : h | i | j\n(k || : k | l | m\n\
             (n || : n | o | p\n(s || : s | t | u\n(x || : x | y | z"
        );
        // Spreads in a `for` head's iterable.
        let found = show(
            "for (const k of [a, ...(b || c)]) ;\nfor (k of [...(d ?? e)]) ;\nfor (k in f || g) ;\n\
             if ('h' in i && j) ;",
            false,
        );
        assert_eq!(
            found,
            "b || c: b | c\nd ?? e: d | e\nf || g: f | g\nif ('h: ; +else\n'h' in: 'h' in i | j"
        );
        // A tagged template is one operand.
        assert_eq!(show("x = tag`a` || b", false), "tag`a`: tag`a` | b");
        // A line break before `!` ends the statement (no non-null assertion).
        assert_eq!(show("x = a\n!b || c", true), "!b || : !b | c");
    }

    /// Every loop moves on past a token it cannot read, and a bracket group ends at its
    /// closer: what follows is still read.
    #[test]
    fn stray_tokens_are_skipped() {
        let found = show(
            "{ ) a || b }\nswitch (c) { ) case 1: ] d && e }\nclass K { ) m() { f ?? g } }\n\
             o = { ) : h || i, ] }\nfunction p(), q = j || k) {}\nfor (;) ;) l && m;\n\
             x = `${ ) n || o }`; [ ) p || q ]; (r ? ) s : t)",
            true,
        );
        assert_eq!(
            found,
            "a || b: a | b\nswitch: case 1: ] d \nd && e: d | e\nf ?? g: f | g\nh || i: h | i\n\
             j || k: j | k\nl && m: l | m\nn || o: n | o\np || q: p | q\nr ? ) :  | "
        );
    }

    /// Constructs whose reading decides where an operand starts or ends.
    #[test]
    fn operand_boundaries() {
        let found = show(
            "x = [a, b] || c\ny = {d: 1} || e\nfunction* g() { yield (h || i) && j }\n\
             export default (k || l) && m\nz = tag`${n}` || o",
            false,
        );
        assert_eq!(
            found,
            "[a, b]: [a, b] | c\n{d: 1}: {d: 1} | e\n(h || : h | i | j\n(k || : k | l | m\n\
             tag`${: tag`${n}` | o"
        );
        // `a < b > c` compares; `f<T>(x)` calls.
        assert_eq!(
            show("x = a < b > c || d; y = f<T>(e) || g", true),
            "a < b : a < b > c | d\nf<T>(e: f<T>(e) | g"
        );
    }

    /// Statements that end an `if`'s arm before its `else`.
    #[test]
    fn arms_ending_before_else() {
        let found = show(
            "l: for (;;) { if (a) return b; else if (c) throw d; else if (e) break l; else if (g) \
             continue; else if (h) do i; while (j); else if (k) m: n; else o }",
            false,
        );
        assert_eq!(
            found,
            "if (a): return b; | if (c) throw\nif (c): throw d; | if (e) break\n\
             if (e): break l; | if (g) conti\nif (g): continue; | if (h) do i;\n\
             if (h): do i; while  | if (k) m: n;\nif (k): m: n; | o"
        );
        assert_eq!(
            show("function f() { if (a) return\nif (b) c }", false),
            "if (a): return +else\nif (b): c +else"
        );
        // In sloppy JavaScript `interface` is a name; in TypeScript `export type {}` a clause.
        assert_eq!(show("interface = a || b", false), "a || b: a | b");
        assert_eq!(
            show("export type { A } from 'b'\n(c || d) && e", true),
            "(c || : c | d | e"
        );
    }

    /// Decorated parameters and parameter properties keep their defaults.
    #[test]
    fn decorated_parameters() {
        let found = show(
            "class K { constructor(@inject(a || b) private readonly c = d, @e f?: T = g) {} }",
            true,
        );
        assert_eq!(found, "a || b: a | b\nd, @e : d\ng) {} : g");
    }

    /// Conditional types in every place a type can be: none is a ternary.
    #[test]
    fn conditional_types_everywhere() {
        let source = "\
            let v: A extends B ? C : D = e || f;\n\
            const g = (a): A extends B ? C : D => a || b;\n\
            class K { x: A extends B ? C : D = h || i; m<T extends U ? V : W>(): void {} }\n\
            y = j<A extends B ? C : D>(k ?? l) satisfies A extends B ? C : D;\n\
            z = <A extends B ? C : D>m || n;\n\
            function p<T = A extends B ? C : D>(q: A extends B ? C : D, ...r: X[]): asserts q is Y {}";
        assert_eq!(
            show(source, true),
            "e || f: e | f\na || b: a | b\nh || i: h | i\nk ?? l: k | l\n<A ext: <A extends B | n"
        );
    }

    #[test]
    fn garbage_and_unterminated_input_gives_what_it_can() {
        for source in [
            "if (",
            "a ? b",
            ")))}}}",
            "`${",
            "'unterminated",
            "/* open",
            "x = (a || ",
            "class {",
            "switch (a) { case",
            "function (a = ",
            "<T>(",
            "a ?? ? :",
            "\u{0}",
            "é ? ü : ö",
        ] {
            find_branches(source, false);
            find_branches(source, true);
        }
        assert_eq!(show("a ? b", false), "a ? b: b | b");
        assert_eq!(show("if (a) {", false), "if (a): { +else");
    }

    /// The nesting limit counts only what is open: every construct left gives its level back,
    /// so a long file of statements, expressions and types reads to its end.
    #[test]
    fn long_files_read_to_the_end() {
        let line = "let v: A<B> = { a: [(c): D => c ? (d || e) : f] };\n";
        let source = line.repeat(500);
        let ats: Vec<u32> = (find_branches(&source, true).iter())
            .map(|point| point.at)
            .collect();
        let ternary = line.find("c ?").unwrap();
        let chain = line.find("d ||").unwrap();
        let expected: Vec<u32> = (0..500)
            .flat_map(|n| [n * line.len() + ternary, n * line.len() + chain])
            .map(|at| at as u32)
            .collect();
        assert_eq!(ats, expected);
    }

    /// Type arguments are looked for within 400 tokens of their `<` (a bound on the look-ahead
    /// of every `<`): a `>` further away leaves the `<` a comparison, and the `?` of a tuple's
    /// optional element inside then reads as a conditional.
    #[test]
    fn type_arguments_are_looked_for_within_400_tokens() {
        // Tokens: `x` `=` `<` `keyof` `A`, then `|` `A` per pair, `|` `[` `B` `?` `]` `>`: the
        // `>` is token 10 + 2 * pairs, 398 tokens after the `<` (token 2) at 195 pairs, 400 at 196.
        let source = |pairs: usize| format!("x = <keyof A{} | [B?]>y;", " | A".repeat(pairs));
        assert_eq!(show(&source(195), true), "");
        assert_eq!(show(&source(196), true), "B?]>y;:  | ");
    }

    /// A type parameter list longer than the look-ahead is stepped over token by token: what
    /// follows is still read.
    #[test]
    fn long_type_parameters_are_stepped_over() {
        for form in [
            "let f: <T extends A{}>(a: T) => T = x;",
            "let g: B | <T extends A{}>(a: T) => T = x;",
            "class K<T extends A{}> {}",
        ] {
            let source = format!("{}\ny || z;", form.replace("{}", &" | A".repeat(250)));
            assert_eq!(show(&source, true), "y || z: y | z", "{form}");
        }
    }

    /// Deep nesting is read up to a limit, then skipped, within a small stack.
    #[test]
    fn deep_nesting_keeps_the_stack_small() {
        let nested = |open: &str, n| format!("{}a || b", open.repeat(n));
        let handle = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || {
                for open in [
                    "if(a){",
                    "(",
                    "[",
                    "{a:",
                    "x=>",
                    "`${",
                    "a?",
                    "function f(a=",
                    "class A{m(){",
                ] {
                    find_branches(&nested(open, 5000), true);
                }
                find_branches(&nested("(", 50), false).len()
            })
            .unwrap();
        assert_eq!(handle.join().unwrap(), 1);
    }
}
