# -*- coding: utf-8 -*-
"""Drives PAHT's /open311/v2 with the Open311 client libraries from PyPI, unmodified.

Python 3: `georeport` (it cannot file requests). Python 2.7: `three` and `open311`.
Usage: python open311_clients.py BASE_URL API_KEY OPERATOR_TOKEN   (the same file runs on both)
Each client lists the services, reads a definition, files a request where it can, reads it back by
id and by token, and queries with filters, in JSON and in XML. Exits non-zero on the first
failure.
"""
from __future__ import print_function

import json
import sys

BASE, KEY, OPERATOR = sys.argv[1], sys.argv[2], sys.argv[3]
ROOT = BASE.rstrip("/") + "/open311/v2"
PY2 = sys.version_info[0] == 2

if PY2:
    import urllib2 as request_lib

    def u(s):
        return s.decode("utf-8") if isinstance(s, str) else s

    def b(s):
        return s.encode("utf-8") if isinstance(s, unicode) else s  # noqa: F821
else:
    import urllib.request as request_lib

    def u(s):
        return s

    def b(s):
        return s

REPORT = {
    "address_string": u("Trước số 45 Trần Hưng Đạo, Phường 2"),
    "phone": "0912345678",
    "description": u("Ổ gà sâu khoảng 20 cm giữa làn xe máy trước số 45, rất nguy hiểm vào ban đêm."),
    "lat": "9.6025",
    "long": "105.9739",
    "attribute[cccd]": "094085001234",
    "attribute[contact_address]": u("12 Lê Lợi, khóm 3, Phường 6"),
    "attribute[admin_unit_code]": "92",
}


def check(cond, what):
    if not cond:
        print("FAILED:", what)
        sys.exit(1)
    print("ok:", what)


def accept(code):
    """The IOC verifies the report (native API), so that anyone may read it."""
    def call(method, path, body=None):
        data = json.dumps(body).encode("utf-8") if body is not None else None
        req = request_lib.Request(BASE + path, data=data)
        req.add_header("Authorization", "Bearer " + OPERATOR)
        req.add_header("Content-Type", "application/json")
        if method == "POST":
            req.get_method = lambda: "POST"
        return json.loads(request_lib.urlopen(req).read().decode("utf-8"))
    items = call("GET", "/api/v1/reports?limit=100")["items"]
    rid = [r["id"] for r in items if r["code"] == code][0]
    call("POST", "/api/v1/reports/%s/accept" % rid, {})


def georeport():
    from georeport import GeoReport
    import requests
    for fmt in ("json", "xml"):
        g = GeoReport(ROOT, jurisdiction=None, api_key=KEY, output_format=fmt)
        services = g.get_service_list()
        codes = [s["service_code"] for s in services]
        check("giao-thong" in codes, "georeport %s: services" % fmt)
        d = g.get_service_definition("giao-thong")
        attrs = d["attributes"] if fmt == "json" else d["attributes"]["attribute"]
        check(any(a["code"] == "cccd" for a in attrs), "georeport %s: definition" % fmt)
    # georeport has no call to file a request: the form, as the specification shows it.
    form = dict(REPORT, api_key=KEY, service_code="giao-thong", first_name=u("Văn An"),
                last_name=u("Nguyễn"))
    r = requests.post(ROOT + "/requests.json", data=form)
    check(r.status_code == 201, "POST requests.json: %s %s" % (r.status_code, r.text[:200]))
    code = r.json()[0]["service_request_id"]
    accept(code)
    for fmt in ("json", "xml"):
        g = GeoReport(ROOT, api_key=KEY, output_format=fmt)
        one = g.get_service_request(code)
        check(one["service_request_id"] == code, "georeport %s: request by id" % fmt)
        many = g.get_service_requests(service_code="giao-thong", status="open")
        if fmt == "xml" and isinstance(many, dict):
            many = [many]
        check(any(x["service_request_id"] == code for x in many), "georeport %s: requests by filter" % fmt)
        by_id = g.get_service_requests(service_request_id=code)
        if fmt == "xml" and isinstance(by_id, dict):
            by_id = [by_id]
        check(len(by_id) == 1, "georeport %s: requests by ids" % fmt)


def as_list(x):
    return x if isinstance(x, list) else [x]


def three_client():
    from three import Three
    for fmt in ("json", "xml"):
        t = Three(ROOT, api_key=KEY, format=fmt)
        services = t.services()
        services = services if fmt == "json" else as_list(services["service"])
        check(any(s["service_code"] == "giao-thong" for s in services), "three %s: services" % fmt)
        d = t.services("giao-thong")
        check("attributes" in d, "three %s: definition" % fmt)
        # `three` splits `name` on a space into exactly two words: a Vietnamese name of three
        # words is passed as first_name and last_name.
        fields = dict((k, b(v)) for k, v in REPORT.items())
        fields["address"] = fields.pop("address_string")
        fields["first_name"] = b(u("Văn An"))
        fields["last_name"] = b(u("Nguyễn"))
        posted = t.post("giao-thong", **fields)
        posted = as_list(posted if fmt == "json" else posted["request"])
        code, token = posted[0]["service_request_id"], posted[0]["token"]
        check(code.startswith("PA-"), "three %s: post" % fmt)
        found = t.token(token)
        found = as_list(found if fmt == "json" else found["request"])
        check(found[0]["service_request_id"] == code, "three %s: token" % fmt)
        mine = t.request(code, api_key=KEY)
        mine = as_list(mine if fmt == "json" else mine["request"])
        check(mine[0]["service_request_id"] == code, "three %s: request by id with the key" % fmt)
        if fmt == "json":
            # With a picture: `three` sends the form as multipart/form-data.
            import tempfile
            path = tempfile.mktemp(suffix=".jpg")
            with open(path, "wb") as f:
                f.write(b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x07" * 2000)
            with_media = t.post("giao-thong", media=open(path, "rb"), **fields)
            check(as_list(with_media)[0]["service_request_id"].startswith("PA-"),
                  "three json: post with a picture (multipart)")
        accept(code)
        listed = t.requests("giao-thong", status="open", start="01-01-2026")
        listed = as_list(listed if fmt == "json" else listed["request"])
        check(any(x["service_request_id"] == code for x in listed), "three %s: requests" % fmt)


def open311_client():
    from open311 import Open311
    o = Open311(endpoint=ROOT, api_key=KEY, format="xml", jurisdiction="")
    services = as_list(o.service_list())
    check(any(s["service_code"] == "giao-thong" for s in services), "open311: services.xml")
    d = o.service_definition("giao-thong")
    check("service_definition" in d, "open311: service/giao-thong.xml")
    fields = dict((k, b(v)) for k, v in REPORT.items())
    fields.update(service_code="giao-thong", first_name=b(u("Văn An")), last_name=b(u("Nguyễn")))
    posted = o.post_service_request(**fields)
    req = as_list(posted["service_requests"]["request"])[0]
    code, token = req["service_request_id"], req["token"]
    check(code.startswith("PA-"), "open311: post")
    found = as_list(o.request_id_from_token(token))
    check(found[0]["service_request_id"] == code, "open311: token")
    accept(code)
    one = o.get_service_request(code)
    check(as_list(one["service_requests"]["request"])[0]["service_request_id"] == code,
          "open311: request by id")
    listed = as_list(o.service_requests(status="open"))
    check(any(x["service_request_id"] == code for x in listed), "open311: requests")


if PY2:
    three_client()
    open311_client()
else:
    georeport()
print("all Open311 clients passed on", sys.version.split()[0])
