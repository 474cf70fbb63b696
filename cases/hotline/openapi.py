"""The OpenAPI 3.1 description of the machine interfaces (served at /api/openapi.json)."""

from __future__ import annotations

from typing import Any

SIGNED = [{"hotlineTimestamp": [], "hotlineSignature": []}]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    texts = {
        400: ("Errors", "invalid JSON or fields; nothing created"),
        401: ("Error", "bad signature or stale timestamp; nothing changed"),
        404: ("Error", "unknown order or transfer"),
        405: ("Error", "method not allowed"),
        409: ("Error", "conflict"),
        413: ("Error", "body over 64 KiB"),
    }
    return {str(code): _json(_ref(texts[code][0]), texts[code][1]) for code in codes}


# What the server checks (cases/hotline/schema.py), said the same way: surrounding spaces are ignored, a
# required text must have a character that is not a space, no text may hold NUL, a phone is a mainland mobile
# (1[3-9] and 9 more digits) or landline (0, an area code of 2-3 digits, an optional dash, 7-8 digits).
NOT_BLANK = r"^[^\u0000]*[^\s\u0000][^\u0000]*$"
NO_NUL = r"^[^\u0000]*$"
PHONE = r"^\s*(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})\s*$"
LEVELS = ["village", "town", "district"]
STATUSES = ["registered", "handling", "transferred", "closed"]


def _text(max_length: int, *, required: bool = True) -> dict[str, Any]:
    return {"type": "string", "maxLength": max_length, "pattern": NOT_BLANK if required else NO_NUL}


def _schemas() -> dict[str, Any]:
    moment = {"type": "string", "format": "date-time"}
    summary_props = {
        "order_no": {"type": "string"}, "case_number": {"type": "string"},
        "status": {"enum": STATUSES}, "level": {"enum": LEVELS},
    }
    callback = {
        "event_id": {"type": "string"}, "order_no": {"type": "string"}, "case_number": {"type": "string"},
        "at": moment, "status": {"enum": STATUSES}, "level": {"enum": LEVELS}, "kind": {"type": "string"},
        "note": {"type": "string"}, "satisfaction": {"enum": ["satisfied", "basically", "unsatisfied", None]},
    }
    return {
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
        "Errors": {"type": "object", "required": ["errors"], "properties": {"errors": {
            "type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}}},
        "Order": {"type": "object", "required": ["order_no", "division_code", "category", "caller", "content"],
                  "properties": {
                      "order_no": _text(64),
                      "received_at": moment,
                      "caller": {"type": "object", "required": ["name", "phone"], "properties": {
                          "name": _text(50), "phone": {"type": "string", "pattern": PHONE}}},
                      "division_code": {"type": "string", "pattern": "^[0-9]{12}$"},
                      "address": _text(200, required=False),
                      "category": _text(40),
                      "content": _text(64 * 1024),
                      "urgency": {"enum": ["normal", "urgent"], "default": "normal"},
                      "reply_by": moment}},
        "OrderSummary": {"type": "object", "required": list(summary_props), "properties": summary_props},
        "OrderStatus": {"type": "object", "properties": {
            **summary_props,
            "path": {"enum": ["direct", "joint", "legal", None]},
            "closure": {"enum": ["archive", "escalate", "transfer", None]},
            "outcome": {"enum": ["resolved", "unresolved", "withdrawn", None]},
            "events": {"type": "array", "items": {"type": "object", "properties": {
                "at": moment, "kind": {"type": "string"}, "level": {"type": "string"}, "note": {"type": "string"}}}}}},
        "Category": {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}}},
        "Callback": {"type": "object", "required": list(callback), "properties": callback},
        "Feedback": {"type": "object", "required": ["feedback"], "properties": {
            "feedback": {"type": "string", "maxLength": 5000}, "reference": {"type": "string", "maxLength": 64}}},
    }


def _paths() -> dict[str, Any]:
    order_no = {"name": "order_no", "in": "path", "required": True, "schema": {"type": "string"}}
    transfer_id = {"name": "transfer_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    return {
        "/api/hotline/v1/orders": {"post": {
            "summary": "A new 12345 work order", "security": SIGNED,
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("Order")}}},
            "responses": {"201": _json(_ref("OrderSummary"), "registered"),
                          "200": _json(_ref("OrderSummary"), "already received with the same body (a retry)"),
                          **_errors(400, 401, 405, 409, 413)}}},
        "/api/hotline/v1/orders/{order_no}": {"get": {
            "summary": "Where is my order", "security": SIGNED, "parameters": [order_no],
            "responses": {"200": _json(_ref("OrderStatus"), "the order's case"), **_errors(401, 404)}}},
        "/api/hotline/v1/categories": {"get": {
            "summary": "Case categories", "security": SIGNED,
            "responses": {"200": _json({"type": "array", "items": _ref("Category")}, "active categories"),
                          **_errors(401)}}},
        "/api/enforcement/v1/transfers/{transfer_id}/feedback": {"post": {
            "summary": "Feedback of the law-enforcement platform on a 三协同 transfer; closes the case",
            "security": [{"hotlineTimestamp": [], "hotlineSignature": []}], "parameters": [transfer_id],
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("Feedback")}}},
            "responses": {"200": _json({"type": "object"}, "recorded; the case is closed"),
                          **_errors(400, 401, 404, 409, 413)}}},
    }


def document() -> dict[str, Any]:
    """The whole document; signing is described once, under securitySchemes."""
    signature = ("`sha256=` + lowercase hex of HMAC-SHA256(secret, timestamp + \".\" + raw body). "
                 "Secret HOTLINE_SECRET (12345) or ENFORCEMENT_SECRET (enforcement feedback).")
    return {
        "openapi": "3.1.0",
        "info": {"title": "平谷区说事评理议事普法中心 machine interfaces", "version": "1"},
        "paths": _paths(),
        "webhooks": {
            "hotlineProgress": {"post": {
                "summary": "Progress of an order, POSTed signed to HOTLINE_CALLBACK_URL; retried until 2xx",
                "requestBody": {"content": {"application/json": {"schema": _ref("Callback")}}},
                "responses": {"200": {"description": "received (any 2xx)"}}}},
        },
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "hotlineTimestamp": {"type": "apiKey", "in": "header", "name": "X-Hotline-Timestamp",
                                     "description": "Unix seconds; at most 300 s from the server clock."},
                "hotlineSignature": {"type": "apiKey", "in": "header", "name": "X-Hotline-Signature",
                                     "description": signature},
            },
        },
    }
