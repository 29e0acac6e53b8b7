# Supportweb — čeština (výchozí jazyk) — procedures

## Podpora: procedures
procedure-title = Postupy
procedure-hint = Návody a postupy k produktům. Hledání nerozlišuje velká písmena ani diakritiku.
procedure-new = Nový postup
procedure-edit = Upravit postup
procedure-create = Uložit postup
procedure-save-revision = Uložit novou revizi
procedure-empty = Žádné postupy neodpovídají filtru.
procedure-title-field = Název
procedure-body = Text postupu
procedure-products = Produkty
procedure-visibility = Viditelnost
procedure-visibility-all = Všichni zákazníci
procedure-visibility-staff = Jen pracovníci dodavatele
procedure-visibility-chosen = Jen vybrané organizace
procedure-organisations-hint = Platí jen pro viditelnost „Jen vybrané organizace“; více vyberete se stisknutou klávesou Ctrl.
procedure-revision = Revize
procedure-revisions = Revize
procedure-updated = Změněno
procedure-revision-title = Revize postupu
procedure-revision-heading = Revize { $revision }
procedure-changes-since = Změny oproti revizi { $revision }
procedure-error-title = Zadejte název (nejvýše 200 znaků).
procedure-error-body = Napište text postupu (nejvýše 100 000 znaků).
procedure-error-products = Vyberte produkty z katalogu.
procedure-field-visibility = Viditelnost
procedure-field-products = Produkty
procedure-field-organisations = Vybrané organizace
procedure-field-files = Soubory
procedure-field-revision = Revize
