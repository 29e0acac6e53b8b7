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

## Start page: my work
work-documents-assigned = My open documents
work-documents-unassigned = Unassigned documents of my customers
work-tasks-mine = Protocol tasks I am responsible for
work-orders-waiting = Orders waiting for us
work-protocols-overdue = Protocols past their verification deadline
work-documents-waiting = Documents waiting for my answer
work-quotes-to-approve = Quotes to approve
work-protocols-to-verify = Protocols for me to verify
work-tasks-owed = Tasks our organisation owes
work-patches-new = New patches for our installations
work-nothing = Nothing is waiting.
work-all = Show all
work-due = due { $when }
work-urgent = Urgent
