//! Tokenizing and folding live in the lexicon, shared with JD analysis, so both sides of a
//! comparison are always normalised the same way.

pub(crate) use resumax_lexicon::text::{Token, tokenize};
