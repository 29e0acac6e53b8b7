//! Communication protocols: recording, issuing, verification by the customer, revisions and
//! the tasks agreed in them.

pub(crate) mod notify;
