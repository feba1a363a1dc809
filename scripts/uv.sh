# Sourced by the run and test scripts: puts uv on PATH, installing it from PyPI when missing.
if ! command -v uv >/dev/null 2>&1; then
    echo "==> installing uv" >&2
    # Plain install works inside a virtualenv; Debian's system Python (PEP 668) needs a user install.
    python3 -m pip install --quiet uv 2>/dev/null \
        || python3 -m pip install --quiet --user uv 2>/dev/null \
        || python3 -m pip install --quiet --user --break-system-packages uv
    PATH="$(python3 -c 'import site; print(site.getuserbase())')/bin:${PATH}"
    export PATH
    command -v uv >/dev/null 2>&1 || { echo "uv was installed but is not on PATH" >&2; exit 1; }
fi
