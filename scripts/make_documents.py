#!/usr/bin/env python3
"""Writes the three participation documents of the LE-Portal as small PDF 1.4 files.

Pure Python, no packages: Helvetica (one of the 14 standard fonts, so nothing is embedded) with
WinAnsiEncoding, so German umlauts and ß print correctly. The output is deterministic; run
`python3 scripts/make_documents.py` after changing a text and commit the PDFs with it.
`--check` verifies the files in public/dokumente (header, cross-reference offsets, trailer).
"""
import re
import sys
from pathlib import Path

# The PDFs live in public/dokumente (shipped with the SPA); this script stays out of it.
HERE = Path(__file__).resolve().parent.parent / "public" / "dokumente"
PAGE_W, PAGE_H = 595, 842  # A4 in points
MARGIN = 70
BODY_SIZE, BODY_LEADING = 10.5, 14.5

# Helvetica advance widths (per 1000 em) from the standard AFM, for line breaking.
_ASCII_WIDTHS = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,  # space … /
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,  # 0 … ?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,  # @ … O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,  # P … _
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,  # ` … o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,  # p … ~
]
WIDTHS = {chr(32 + i): w for i, w in enumerate(_ASCII_WIDTHS)}
WIDTHS.update({"Ä": 667, "Ö": 778, "Ü": 722, "ä": 556, "ö": 556, "ü": 556, "ß": 611,
               "§": 556, "–": 556, "„": 333, "“": 333, "€": 556, "é": 556, "·": 278})


def text_width(text, size, bold=False):
    """Width in points; bold Helvetica runs about 5 % wider, close enough for wrapping."""
    units = sum(WIDTHS.get(c, 556) for c in text)
    return units * size / 1000 * (1.05 if bold else 1.0)


def pdf_string(text):
    """A PDF literal string in WinAnsiEncoding (cp1252)."""
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def wrap(text, size, width, bold=False):
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and text_width(candidate, size, bold) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


class Document:
    """Lays out blocks top to bottom and breaks pages; each page is a list of PDF operators."""

    def __init__(self, title):
        self.title = title
        self.pages = []
        self.new_page()

    def new_page(self):
        self.ops = []
        self.pages.append(self.ops)
        self.y = PAGE_H - MARGIN

    def need(self, height):
        if self.y - height < MARGIN + 30:
            self.new_page()

    def text_line(self, text, size, bold=False, x=MARGIN):
        font = b"/F2" if bold else b"/F1"
        self.ops.append(b"BT " + font + b" %.1f Tf %.1f %.1f Td " % (size, x, self.y)
                        + pdf_string(text) + b" Tj ET")

    def heading(self, text, size=16):
        self.need(size * 2.2)
        self.y -= size * 0.4
        for line in wrap(text, size, PAGE_W - 2 * MARGIN, bold=True):
            self.text_line(line, size, bold=True)
            self.y -= size * 1.3
        self.y -= size * 0.3

    def paragraph(self, text, size=BODY_SIZE, bold=False, indent=0):
        lines = wrap(text, size, PAGE_W - 2 * MARGIN - indent, bold)
        self.need(BODY_LEADING * min(len(lines), 3))
        for line in lines:
            self.need(BODY_LEADING)
            self.text_line(line, size, bold, x=MARGIN + indent)
            self.y -= BODY_LEADING
        self.y -= BODY_LEADING * 0.5

    def bullet(self, text):
        self.need(BODY_LEADING)
        self.text_line("–", BODY_SIZE, x=MARGIN + 6)
        self.paragraph(text, indent=20)

    def field(self, label, height=28):
        """A label with a line to write on (for the form to fill in by hand)."""
        self.need(height + 6)
        self.text_line(label, 9, bold=True)
        self.y -= height
        self.ops.append(b"0.5 w %.1f %.1f m %.1f %.1f l S" % (MARGIN, self.y, PAGE_W - MARGIN, self.y))
        self.y -= 14

    def render(self):
        """The complete PDF file as bytes."""
        objects = []  # index i holds object number i + 1

        def add(body):
            objects.append(body)
            return len(objects)

        catalog = add(None)
        pages = add(None)
        font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        bold = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
        kids = []
        total = len(self.pages)
        for number, ops in enumerate(self.pages, start=1):
            footer = b"BT /F1 8 Tf %.1f %.1f Td " % (MARGIN, MARGIN - 25) + pdf_string(
                f"LE-Portal · {self.title} · Seite {number} von {total}") + b" Tj ET"
            stream = b"\n".join(ops + [footer])
            content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
            kids.append(add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] " % (pages, PAGE_W, PAGE_H)
                + b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> /Contents %d 0 R >>" % (font, bold, content)))
        objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages
        objects[pages - 1] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids)
                              + b"] /Count %d >>" % len(kids))
        info = add(b"<< /Title " + pdf_string(self.title) + b" /Producer (LE-Portal make_documents.py) >>")

        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
        out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(objects) + 1, catalog, info, xref)
        return bytes(out)


def terms_of_use():
    d = Document("Nutzungsbedingungen")
    d.heading("Nutzungsbedingungen des Leistungserbringerportals (LE-Portal)")
    d.paragraph("Stand: Version 1.0")
    sections = [
        ("§ 1 Geltungsbereich",
         "Diese Nutzungsbedingungen gelten für die Nutzung des Leistungserbringerportals (LE-Portal) durch "
         "Krankenhäuser, Pflegedienste und ihre Beschäftigten. Über das LE-Portal tauschen die Medizinischen "
         "Dienste und die Leistungserbringer Daten und Dokumente elektronisch aus, insbesondere "
         "Unterlagenanforderungen, Prüfanzeigen und Begehungslisten zur Abrechnungsprüfung."),
        ("§ 2 Registrierung und Zugang",
         "Voraussetzung für die Nutzung ist die Registrierung der Einrichtung mit der unterschriebenen "
         "Nutzungsvereinbarung. Nach Prüfung der Unterlagen durch den Medizinischen Dienst erhält der primäre "
         "Benutzer (Administration) die Zugangsdaten per Post. Die Administration legt weitere Benutzer der "
         "eigenen Einrichtung an und vergibt ihre Rollen."),
        ("§ 3 Zwei-Faktor-Authentifizierung",
         "Jede Anmeldung erfordert neben Benutzername und Passwort einen zeitlich begrenzt gültigen Code aus "
         "einer Authenticator-App (TOTP-Verfahren, zum Beispiel FreeOTP oder WinAuth). Die bei der Einrichtung "
         "angezeigten Wiederherstellungscodes sind sicher und getrennt vom Passwort aufzubewahren."),
        ("§ 4 Pflichten der Nutzer",
         "Zugangsdaten sind persönlich und dürfen nicht weitergegeben werden. Jeder Verdacht auf Missbrauch ist "
         "unverzüglich der Administration der Einrichtung und dem Medizinischen Dienst zu melden. Hochgeladene "
         "Dokumente müssen vollständig, lesbar und frei von Schadsoftware sein. Die Einrichtung hält den Kreis "
         "ihrer Benutzer aktuell und sperrt Zugänge ausgeschiedener Beschäftigter sofort."),
        ("§ 5 Protokollierung",
         "Anmeldungen, Freigaben und Änderungen an Benutzern werden mit Zeitpunkt, Benutzer und Netzadresse "
         "protokolliert. Die Administration einer Einrichtung kann das Protokoll ihrer Einrichtung einsehen."),
        ("§ 6 Verfügbarkeit",
         "Der Betreiber bemüht sich um eine möglichst unterbrechungsfreie Verfügbarkeit. Wartungsarbeiten werden "
         "nach Möglichkeit vorher angekündigt. Fristen aus Unterlagenanforderungen bleiben von kurzen "
         "Unterbrechungen unberührt; bei längeren Ausfällen informiert der Medizinische Dienst."),
        ("§ 7 Haftung",
         "Für Schäden aus der Nutzung haften die Beteiligten nach den gesetzlichen Vorschriften. Für die "
         "inhaltliche Richtigkeit hochgeladener Unterlagen ist die jeweilige Einrichtung verantwortlich."),
        ("§ 8 Sperrung und Beendigung",
         "Bei Verstößen gegen diese Nutzungsbedingungen kann der Zugang gesperrt werden. Die Einrichtung kann "
         "die Nutzung jederzeit schriftlich beenden."),
        ("§ 9 Änderungen",
         "Änderungen dieser Nutzungsbedingungen werden im LE-Portal bekannt gegeben. Sie gelten als angenommen, "
         "wenn die Einrichtung nicht innerhalb von vier Wochen nach Bekanntgabe widerspricht."),
    ]
    for title, text in sections:
        d.paragraph(title, size=11.5, bold=True)
        d.paragraph(text)
    return d


def privacy_policy():
    d = Document("Datenschutzerklärung")
    d.heading("Datenschutzerklärung für das Leistungserbringerportal (LE-Portal)")
    sections = [
        ("1. Verantwortlicher",
         "Verantwortlich für die Verarbeitung personenbezogener Daten im LE-Portal ist der Medizinische Dienst, "
         "der die Zugänge der Einrichtungen freigibt. Anfragen richten Sie bitte an mdportal@md-nordrhein.de."),
        ("2. Zwecke der Verarbeitung",
         "Die Daten werden verarbeitet, um Einrichtungen und ihre Benutzer zu registrieren und anzumelden, "
         "Unterlagen zur Abrechnungsprüfung auszutauschen und die Sicherheit des Portals zu gewährleisten."),
        ("3. Verarbeitete Daten",
         "Von Benutzern: Vor- und Nachname, dienstliche E-Mail-Adresse, Benutzername, Rolle, der Zeitpunkt der "
         "letzten Anmeldung sowie der Name des Geräts mit der Authenticator-App. Passwörter und "
         "Wiederherstellungscodes werden nur als kryptografische Prüfwerte gespeichert. Von Einrichtungen: Name, "
         "Anschrift, Institutionskennzeichen und die unterschriebene Nutzungsvereinbarung."),
        ("4. Protokolldaten",
         "Zur Aufklärung von Missbrauch werden sicherheitsrelevante Vorgänge mit Zeitpunkt, Benutzer, "
         "Netzadresse und Ergebnis protokolliert."),
        ("5. Cookies",
         "Das LE-Portal verwendet ausschließlich ein technisch notwendiges Sitzungscookie. Es enthält keine "
         "Angaben zur Person und wird beim Abmelden oder nach Ablauf der Sitzung ungültig. Es findet keine "
         "Analyse des Nutzungsverhaltens und keine Einbindung von Diensten Dritter statt."),
        ("6. Rechtsgrundlage",
         "Die Verarbeitung erfolgt auf Grundlage von Art. 6 Abs. 1 Buchst. c und e DSGVO in Verbindung mit den "
         "Vorschriften des Fünften und Elften Buches Sozialgesetzbuch über die Prüfungen der Medizinischen Dienste."),
        ("7. Speicherdauer",
         "Benutzerdaten werden gelöscht, wenn der Zugang beendet ist und keine Aufbewahrungspflichten "
         "entgegenstehen. Protokolldaten werden nach Ablauf der vorgeschriebenen Fristen gelöscht."),
        ("8. Ihre Rechte",
         "Sie haben das Recht auf Auskunft, Berichtigung, Löschung und Einschränkung der Verarbeitung sowie das "
         "Recht auf Widerspruch. Sie können sich bei der zuständigen Aufsichtsbehörde für den Datenschutz beschweren."),
    ]
    for title, text in sections:
        d.paragraph(title, size=11.5, bold=True)
        d.paragraph(text)
    return d


def usage_agreement():
    d = Document("Nutzungsvereinbarung")
    d.heading("Nutzungsvereinbarung für das Leistungserbringerportal (LE-Portal)")
    d.paragraph("zwischen dem Medizinischen Dienst (im Folgenden „MD“) und der unten genannten Einrichtung "
                "(im Folgenden „Einrichtung“).")
    d.paragraph("1. Gegenstand", size=11.5, bold=True)
    d.paragraph("Die Einrichtung nimmt am elektronischen Austausch von Daten und Dokumenten über das LE-Portal teil. "
                "Es gelten die Nutzungsbedingungen und die Datenschutzerklärung in der jeweils bekannt gegebenen "
                "Fassung; die Einrichtung bestätigt, beide erhalten zu haben.")
    d.paragraph("2. Primärer Benutzer", size=11.5, bold=True)
    d.paragraph("Die Einrichtung benennt einen primären Benutzer (Administration). Er erhält die Zugangsdaten "
                "per Post, legt weitere Benutzer der Einrichtung an und hält deren Zugänge aktuell.")
    d.paragraph("3. Pflichten", size=11.5, bold=True)
    d.bullet("Zugangsdaten, Authenticator-App und Wiederherstellungscodes werden vor dem Zugriff Unbefugter geschützt.")
    d.bullet("Zugänge ausgeschiedener Beschäftigter werden unverzüglich gesperrt.")
    d.bullet("Änderungen von Name, Anschrift oder Institutionskennzeichen teilt die Einrichtung dem MD mit.")
    d.paragraph("4. Laufzeit", size=11.5, bold=True)
    d.paragraph("Die Vereinbarung gilt ab der Freigabe durch den MD auf unbestimmte Zeit und kann von beiden "
                "Seiten mit einer Frist von einem Monat schriftlich gekündigt werden.")
    d.new_page()
    d.heading("Angaben der Einrichtung", size=14)
    d.paragraph("Bitte vollständig ausfüllen, unterschreiben, stempeln, einscannen und bei der Registrierung "
                "als PDF hochladen.")
    d.field("Einrichtung (Name)")
    d.field("Institutionskennzeichen (IK) – bei Krankenhäusern zusätzlich das Haupt-IK")
    d.field("Anschrift (Straße und Hausnummer, Postleitzahl, Ort)")
    d.field("Primärer Benutzer (Vor- und Nachname, dienstliche E-Mail-Adresse)")
    d.field("Gewünschter Benutzername des primären Benutzers")
    d.field("Ort, Datum")
    d.field("Unterschrift der vertretungsberechtigten Person und Stempel der Einrichtung", height=70)
    return d


DOCUMENTS = {
    "nutzungsbedingungen.pdf": terms_of_use,
    "datenschutzerklaerung.pdf": privacy_policy,
    "nutzungsvereinbarung.pdf": usage_agreement,
}


def check(data):
    """Structural check: header, every xref offset points at its object, startxref, %%EOF."""
    assert data.startswith(b"%PDF-1.4\n"), "header"
    assert data.rstrip().endswith(b"%%EOF"), "trailer end"
    startxref = int(re.search(rb"startxref\n(\d+)\n", data).group(1))
    assert data[startxref:startxref + 4] == b"xref", "startxref"
    count = int(re.match(rb"xref\n0 (\d+)\n", data[startxref:]).group(1))
    entries = data[startxref:].split(b"\n")[3:3 + count - 1]
    for number, entry in enumerate(entries, start=1):
        offset = int(entry[:10])
        assert data[offset:].startswith(b"%d 0 obj" % number), f"object {number}"
    for m in re.finditer(rb"<< /Length (\d+) >>\nstream\n", data):
        end = m.end() + int(m.group(1))
        assert data[end:end + 10] == b"\nendstream", "stream length"
    pages = int(re.search(rb"/Type /Pages /Kids \[[^\]]*\] /Count (\d+)", data).group(1))
    return pages


def main():
    if "--check" in sys.argv:
        for name in DOCUMENTS:
            pages = check((HERE / name).read_bytes())
            print(f"{name}: ok, {pages} page(s)")
        return
    for name, build in DOCUMENTS.items():
        data = build().render()
        check(data)
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
