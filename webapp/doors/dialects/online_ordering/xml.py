"""The online-ordering API's XML: reading an InRegistration and writing CustomerResults and faults,
shaped as the API's own samples (data contract namespaces, `i:nil="true"` for a missing value).

XML is parsed by defusedxml with DTDs forbidden: no entity is ever expanded or fetched, so an
entity bomb or an external entity is refused at once as a malformed body.
"""

import re
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from webapp.doors.dialects.online_ordering import members
from webapp.faults import Fault, fault

XSI = "http://www.w3.org/2001/XMLSchema-instance"
CONTRACTS = "http://schemas.datacontract.org/2004/07/OnlineOrderingAPI."
INBOUND = CONTRACTS + "Inbound"
MODELS = CONTRACTS + "Models.v1"
RESPONSE = CONTRACTS + "Models.v1.Response"
# This product's own namespace for faults, which the online-ordering API's samples do not show.
FAULTS = "urn:registration-service:faults:v1"

# Characters XML 1.0 cannot carry, even escaped; stored text holding one is written as U+FFFD.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _split(tag):
    namespace, _, name = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return namespace, name


def _nil(element):
    return element.get(f"{{{XSI}}}nil", "").strip() in ("true", "1")


def _text(element, path, faults):
    if _nil(element):
        return None
    if len(element):
        faults.append(Fault(91000, path, "Must be text, not elements"))
        return None
    return element.text or ""


def _members(element, namespace, schema, prefix, faults):
    """The children of `element` as {name: text, or dict for a nested member} per `schema`
    (as in `members`)."""
    values = {}
    for child in element:
        child_namespace, name = _split(child.tag)
        path = prefix + name
        if not members.read(schema, name):
            problem = members.unread(schema, name, None if _nil(child) else child.text or "")
            if problem:
                faults.append(Fault(91000, path, problem))
        elif child_namespace != namespace:
            faults.append(Fault(91000, path, f"Must be in the namespace {namespace}"))
        elif name in values:
            faults.append(Fault(91000, path, "Is given twice"))
        elif schema[name] is None:
            values[name] = _text(child, path, faults)
        else:
            values[name] = (
                None if _nil(child) else _members(child, MODELS, schema[name], path + ".", faults)
            )
    return values


# An XML declaration in single-byte form (as UTF-8 writes it) that names a two-byte encoding.
_MISDECLARED = re.compile(
    rb"\A(\xef\xbb\xbf)?(<\?xml[^>]*?encoding\s*=\s*)([\"'])"
    rb"(?:utf-16|utf-16le|utf-16be|ucs-2|unicode)\3",
    re.IGNORECASE,
)


def _as_sent(data):
    """The body with its declaration made true to its bytes: .NET's StringWriter declares
    utf-16 whatever encoding the text is then sent in, and UTF-16 never starts `<?xml` in
    single bytes."""
    return _MISDECLARED.sub(rb"\1\2\3utf-8\3", data, count=1)


# The encoding a declaration in single bytes names.
_DECLARED = re.compile(
    rb"\A(\xef\xbb\xbf)?(<\?xml[^>]*?encoding\s*=\s*)([\"'])([A-Za-z][A-Za-z0-9._:-]*)\3"
)


def _in_utf8(data):
    """The body decoded by Python's codec for the encoding its declaration names, as UTF-8:
    expat itself reads UTF-8, UTF-16 and single-byte encodings only, so a Shift_JIS or Big5
    document would otherwise be refused however well-formed. 400 91003 where Python knows no
    such encoding or the bytes are not in it."""
    declared = _DECLARED.match(data)
    try:
        text = data[declared.end() :].decode(declared[4].decode("ascii")) if declared else None
    except (LookupError, UnicodeError):
        text = None
    if text is None:
        raise fault(91003, detail="The body is not in an encoding its declaration names")
    return declared[2] + declared[3] + b"utf-8" + declared[3] + text.encode("utf-8")


def _parsed(data):
    try:
        return fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException):
        raise fault(91003, detail="The body is not well-formed XML without a DTD") from None
    # expat's answer to an encoding it does not know (LookupError) or reads only in single
    # bytes (ValueError); defusedxml's own refusals, ValueErrors too, are caught above.
    except (LookupError, ValueError):
        return None


BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _by_charset(data, charset):
    """A body with neither a byte order mark nor an encoding in its declaration, read in the
    Content-Type's charset (RFC 7303), as UTF-8; expat would take it for UTF-8 whatever it is."""
    if not charset or data.startswith(BOMS) or _DECLARED.match(data):
        return data
    try:
        return data.decode(charset).encode("utf-8")
    except (LookupError, UnicodeError):
        raise fault(91003, detail="The body is not in the charset its Content-Type names") from None


def read_registration(data, schema, charset=None):
    """An InRegistration body as ({member: value}, faults found); 400 91003 if it cannot be one.
    `charset`: the Content-Type's, for a body that does not say its encoding itself."""
    data = _as_sent(_by_charset(data, charset))
    root = _parsed(data)
    if root is None:
        root = _parsed(_in_utf8(data))
    if root.tag != f"{{{INBOUND}}}InRegistration":
        raise fault(
            91003, detail=f"The body must be an InRegistration element in the namespace {INBOUND}"
        )
    faults = []
    return _members(root, INBOUND, schema, "", faults), faults


def _write(parent, tag, value, attributes=None):
    element = ET.SubElement(parent, tag, attributes or {})
    if value is None:
        element.set("i:nil", "true")
    else:
        element.text = _NOT_XML.sub("\ufffd", str(value))
    return element


def _document(root):
    return ET.tostring(root, encoding="unicode").encode("utf-8")


def _boolean(value):
    return "true" if value else "false"


def customer_results(customer, customer_id, privacy_success):
    """CustomerResults; `customer` is None or {member: value} in the order to write."""
    root = ET.Element("CustomerResults", {"xmlns:i": XSI, "xmlns": RESPONSE})
    element = ET.SubElement(root, "Customer", {"xmlns:d2p1": MODELS})
    if customer is None:
        element.set("i:nil", "true")
    else:
        for name, value in customer.items():
            _write(element, f"d2p1:{name}", _boolean(value) if isinstance(value, bool) else value)
    _write(root, "CustomerId", customer_id)
    _write(root, "PrivacySuccess", _boolean(privacy_success))
    return _document(root)


def fault_document(error):
    """A FaultError as XML: the JSON fault body's members, in this product's namespace."""
    body = error.to_dict()
    root = ET.Element("Fault", {"xmlns:i": XSI, "xmlns": FAULTS})
    _write(root, "FaultCode", body["faultCode"])
    _write(root, "Fault", body["fault"])
    _write(root, "Message", body["message"])
    listed = ET.SubElement(root, "Faults")
    for item in body["faults"]:
        entry = ET.SubElement(listed, "FaultDetail")
        _write(entry, "FaultCode", item["faultCode"])
        _write(entry, "Fault", item["fault"])
        _write(entry, "Message", item["message"])
        _write(entry, "Field", item.get("field"))
    return _document(root)
