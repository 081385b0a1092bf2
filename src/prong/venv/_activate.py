"""The activation scripts of a venv (sh/bash/zsh, fish, csh, and ``activate_this.py``).

Each sets ``VIRTUAL_ENV`` and ``VIRTUAL_ENV_PROMPT``, puts the venv's ``bin`` first on ``PATH``,
unsets ``PYTHONHOME``, prefixes the prompt, and defines ``deactivate`` to undo all of it.
"""

from __future__ import annotations

from pathlib import Path


def _sh_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def scripts(root: Path, prompt: str, bin_name: str) -> dict[str, str]:
    env = str(root)
    q = _sh_quote(env)
    qp = _sh_quote(prompt)
    sh = f"""# Use with `source bin/activate` (sh, bash, zsh); it cannot be run directly.

if [ "${{BASH_SOURCE-}}" = "$0" ]; then
    echo "This script must be sourced: source $0" >&2
    exit 33
fi

deactivate () {{
    unset -f pydoc >/dev/null 2>&1 || true
    if [ -n "${{_OLD_VIRTUAL_PATH:+_}}" ]; then
        PATH="$_OLD_VIRTUAL_PATH"
        export PATH
        unset _OLD_VIRTUAL_PATH
    fi
    if [ -n "${{_OLD_VIRTUAL_PYTHONHOME+_}}" ]; then
        PYTHONHOME="$_OLD_VIRTUAL_PYTHONHOME"
        export PYTHONHOME
        unset _OLD_VIRTUAL_PYTHONHOME
    fi
    hash -r 2>/dev/null || true
    if [ -n "${{_OLD_VIRTUAL_PS1+_}}" ]; then
        PS1="$_OLD_VIRTUAL_PS1"
        export PS1
        unset _OLD_VIRTUAL_PS1
    fi
    unset VIRTUAL_ENV
    unset VIRTUAL_ENV_PROMPT
    if [ "${{1-}}" != "nondestructive" ]; then
        unset -f deactivate
    fi
}}

deactivate nondestructive

VIRTUAL_ENV={q}
export VIRTUAL_ENV

_OLD_VIRTUAL_PATH="$PATH"
PATH="$VIRTUAL_ENV/{bin_name}:$PATH"
export PATH

VIRTUAL_ENV_PROMPT={qp}
export VIRTUAL_ENV_PROMPT

if [ -n "${{PYTHONHOME+_}}" ]; then
    _OLD_VIRTUAL_PYTHONHOME="$PYTHONHOME"
    unset PYTHONHOME
fi

if [ -z "${{VIRTUAL_ENV_DISABLE_PROMPT-}}" ]; then
    _OLD_VIRTUAL_PS1="${{PS1-}}"
    PS1="(${{VIRTUAL_ENV_PROMPT}}) ${{PS1-}}"
    export PS1
fi

pydoc () {{
    python -m pydoc "$@"
}}

hash -r 2>/dev/null || true
"""
    fish = f"""# Use with `source bin/activate.fish` in fish.

function deactivate -d 'Leave the virtual environment'
    if test -n "$_OLD_VIRTUAL_PATH"
        set -gx PATH $_OLD_VIRTUAL_PATH
        set -e _OLD_VIRTUAL_PATH
    end
    if test -n "$_OLD_VIRTUAL_PYTHONHOME"
        set -gx PYTHONHOME $_OLD_VIRTUAL_PYTHONHOME
        set -e _OLD_VIRTUAL_PYTHONHOME
    end
    if test -n "$_OLD_FISH_PROMPT_OVERRIDE"
        and functions -q _old_fish_prompt
        functions -e fish_prompt
        functions -c _old_fish_prompt fish_prompt
        functions -e _old_fish_prompt
        set -e _OLD_FISH_PROMPT_OVERRIDE
    end
    set -e VIRTUAL_ENV
    set -e VIRTUAL_ENV_PROMPT
    if test "$argv[1]" != 'nondestructive'
        functions -e deactivate
    end
end

deactivate nondestructive

set -gx VIRTUAL_ENV {q}
set -gx VIRTUAL_ENV_PROMPT {qp}
set -gx _OLD_VIRTUAL_PATH $PATH
set -gx PATH "$VIRTUAL_ENV/{bin_name}" $PATH

if set -q PYTHONHOME
    set -gx _OLD_VIRTUAL_PYTHONHOME $PYTHONHOME
    set -e PYTHONHOME
end

if test -z "$VIRTUAL_ENV_DISABLE_PROMPT"
    functions -c fish_prompt _old_fish_prompt
    function fish_prompt
        set -l old_status $status
        printf '(%s) ' $VIRTUAL_ENV_PROMPT
        echo "exit $old_status" | source
        _old_fish_prompt
    end
    set -gx _OLD_FISH_PROMPT_OVERRIDE "$VIRTUAL_ENV"
end
"""
    csh = f"""# Use with `source bin/activate.csh` in csh or tcsh.

alias deactivate 'test $?_OLD_VIRTUAL_PATH != 0 && setenv PATH "$_OLD_VIRTUAL_PATH:q" && unset _OLD_VIRTUAL_PATH; rehash; test $?_OLD_VIRTUAL_PROMPT != 0 && set prompt="$_OLD_VIRTUAL_PROMPT:q" && unset _OLD_VIRTUAL_PROMPT; unsetenv VIRTUAL_ENV; unsetenv VIRTUAL_ENV_PROMPT; test "\\!:*" != "nondestructive" && unalias deactivate'

deactivate nondestructive

setenv VIRTUAL_ENV {q}
setenv VIRTUAL_ENV_PROMPT {qp}
set _OLD_VIRTUAL_PATH="$PATH:q"
setenv PATH "$VIRTUAL_ENV:q/{bin_name}:$PATH:q"

if ( $?VIRTUAL_ENV_DISABLE_PROMPT == 0 ) then
    if ( $?prompt ) then
        set _OLD_VIRTUAL_PROMPT="$prompt:q"
        set prompt = "($VIRTUAL_ENV_PROMPT:q) $prompt:q"
    endif
endif

rehash
"""
    this = f'''"""Activate this virtual environment inside a running Python:
``exec(open(this_file).read(), {{"__file__": this_file}})``."""

import os
import site
import sys

bin_dir = os.path.dirname(os.path.abspath(__file__))
base = os.path.dirname(bin_dir)
os.environ["PATH"] = os.pathsep.join([bin_dir, *os.environ.get("PATH", "").split(os.pathsep)])
os.environ["VIRTUAL_ENV"] = base
os.environ["VIRTUAL_ENV_PROMPT"] = {prompt!r}
prev = set(sys.path)
major, minor = sys.version_info[:2]
site.addsitedir(os.path.join(base, "lib", "python%d.%d" % (major, minor), "site-packages"))
sys.path[:] = [p for p in sys.path if p not in prev] + [p for p in sys.path if p in prev]
sys.real_prefix = sys.prefix
sys.prefix = base
'''
    return {"activate": sh, "activate.fish": fish, "activate.csh": csh, "activate_this.py": this}
