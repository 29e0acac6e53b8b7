# Supportweb — English — timeline

## An organisation's timeline
timeline-title = Timeline: { $name }
timeline-link = Timeline
timeline-hint = What happened at the organisation in every agenda, newest first. You see only what you have access to.
timeline-agenda = Agenda
timeline-all = Everything
timeline-show = Show
timeline-empty = Nothing has happened yet.
timeline-older = Older events
timeline-newest = Newest first
timeline-contracts = Contracts
timeline-related = Related
timeline-error-filter = Invalid value.
timeline-error-filters = A filter has an invalid value; please correct it.
timeline-document-opened = Support document opened
timeline-document-state = Document state changed
timeline-document-reply = Reply in a document
timeline-document-note = Internal note in a document
timeline-document-patch = Document solved by a patch
timeline-order-submitted = Customization order submitted
timeline-order-state = Order step
timeline-order-reply = Reply in an order
timeline-order-note = Internal note in an order
timeline-protocol-issued = Protocol issued
timeline-protocol-confirmed = Protocol confirmed
timeline-protocol-objected = Objections to a protocol
timeline-task-due = Task due
timeline-task-done = Task done
timeline-patch-published = Patch published
timeline-contract-concluded = Contract concluded
timeline-contract-changed = Contract changed
timeline-revision = revision { $revision }
