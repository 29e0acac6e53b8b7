# Supportweb — English — validation codes

## Podpora: validation codes
code-title = Validation codes
code-hint = Licence and activation codes issued to an organisation. A code shows only after "Reveal the code", and every reveal is recorded in the audit log.
code-new = New validation code
code-edit = Edit validation code
code-create = Issue the code
code-detail-title = Validation code
code-empty = No validation codes match the filter.
code-organisation = Organisation
code-choose-organisation = Choose an organisation
code-code = Code
code-code-keep = Leave empty to keep the code.
code-valid-from = Valid from
code-valid-to = Valid until
code-valid-to-hint = Empty: no end.
code-valid-from-open = from { $date }, no end
code-validity = Validity
code-status = Status
code-status-valid = valid
code-status-not-yet-valid = not valid yet
code-status-expired = expired
code-status-expires-soon = { $days ->
    [0] ends today
    [one] ends in { $days } day
   *[other] ends in { $days } days
}
code-note = Note
code-issued-by = Issued by
code-only-expiring = Only codes ending within 30 days
code-reveal = Reveal the code
code-reveal-hint = The reveal is recorded in the audit log.
code-reveal-audited = This reveal was recorded in the audit log.
code-imported = Codes imported: { $count }.
code-error-organisation = Choose an organisation.
code-error-code = Enter the code (at most 500 characters).
code-error-valid-from = Enter the first valid day (YYYY-MM-DD or D. M. YYYY).
code-error-valid-to = The end must be a valid date no earlier than the start.
code-error-note = A note has at most 1,000 characters.
code-import-title = Import validation codes from CSV
code-import-hint = The first line names the columns: ico;product;module;code;valid_from;valid_to;note (separated by semicolons or commas, UTF-8). The organisation is found by its IČO, the product by its catalogue code; an empty module means the whole product, an empty valid_to no end. Every row is checked first: if any is wrong, nothing is imported.
code-import-file = CSV file
code-import-paste = or paste the file's content
code-import-submit = Check and import
code-import-refused = Nothing was imported: correct these rows and send the file again.
code-import-line = Line
code-import-column = Column
code-import-problem = Problem
code-import-empty = The file holds no code.
code-import-header = The first line must name the columns ico;product;module;code;valid_from;valid_to;note.
code-import-columns = The line does not have seven columns.
code-import-ico = An IČO has eight digits.
code-import-organisation = No organisation with this IČO is in the portal.
code-import-product = No product with this code is in the catalogue.
validation_code-field-organisation = Organisation
validation_code-field-product = Product
validation_code-field-module = Module
validation_code-field-valid-from = Valid from
validation_code-field-valid-to = Valid until
validation_code-field-note = Note
validation_code-field-code = Code
podpora-search = Search
