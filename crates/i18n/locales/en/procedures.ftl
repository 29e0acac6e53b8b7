# Supportweb — English — procedures

## Podpora: procedures
procedure-title = Procedures
procedure-hint = How-tos and procedures for the products. Search ignores case and diacritics.
procedure-new = New procedure
procedure-edit = Edit procedure
procedure-create = Save procedure
procedure-save-revision = Save a new revision
procedure-empty = No procedures match the filter.
procedure-title-field = Title
procedure-body = Text
procedure-products = Products
procedure-visibility = Visibility
procedure-visibility-all = All customers
procedure-visibility-staff = Vendor staff only
procedure-visibility-chosen = Chosen organisations only
procedure-organisations-hint = Only for "Chosen organisations only"; hold Ctrl to choose several.
procedure-revision = Revision
procedure-revisions = Revisions
procedure-updated = Changed
procedure-revision-title = Revision of a procedure
procedure-revision-heading = Revision { $revision }
procedure-changes-since = Changes since revision { $revision }
procedure-error-title = Enter a title (at most 200 characters).
procedure-error-body = Write the procedure (at most 100,000 characters).
procedure-error-products = Choose products of the catalogue.
procedure-field-visibility = Visibility
procedure-field-products = Products
procedure-field-organisations = Chosen organisations
procedure-field-files = Files
procedure-field-revision = Revision
