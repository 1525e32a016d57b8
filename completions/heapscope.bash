# bash completion for heapscope(1)                         -*- shell-script -*-
#
# Nothing here lists commands, options or values: the binary being
# completed is asked, and it answers from the same option tables that
# parse the command line.  `heapscope __complete` prints the commands,
# `heapscope __complete CMD` a command's options, and `heapscope
# __complete CMD OPT` what OPT's value is: nothing for a flag, `=VALUE`
# lines for a fixed set (--format, --granularity, --by, --profile...),
# `:file` for a file name, `:any` for anything else.
# Anything else completes as a file name.

# What the value of option $3 of command $2 is, as `$1 __complete $2 $3`
# says; nothing when the option takes none.
_heapscope_argspec()
{
    "$1" __complete "$2" "$3" 2>/dev/null
}

# Values for option $3 of command $2, one per line.  Status 0: values
# printed; 2: the value is a file name; 1: free-form (nothing to offer).
_heapscope_values()
{
    local spec
    spec=$(_heapscope_argspec "$@")
    case $spec in
    :file) return 2 ;;
    =*) sed -n 's/^=//p' <<<"$spec"; return 0 ;;
    esac
    return 1
}

# File names matching $cur, each prefixed with $1.
_heapscope_files()
{
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -P "${1-}" -f -- "$cur"))
}

_heapscope()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prog=${COMP_WORDS[0]}
    local prev="" cmd opt="" pre="" vals i
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()
    # Ask the very binary being completed (build/heapscope...), else PATH's.
    [[ $prog == */* && -x $prog ]] || prog=heapscope

    if ((COMP_CWORD == 1)); then
        COMPREPLY=($(compgen -W "$("$prog" __complete 2>/dev/null)" -- "$cur"))
        return 0
    fi
    cmd=${COMP_WORDS[1]}
    case $cmd in
    help | --help | -h)
        ((COMP_CWORD == 2)) &&
            COMPREPLY=($(compgen -W "$("$prog" __complete 2>/dev/null)" -- "$cur"))
        return 0
        ;;
    -*) return 0 ;;
    esac
    for ((i = 2; i < COMP_CWORD; i++)); do
        if [[ ${COMP_WORDS[i]} == -- ]]; then
            _heapscope_files
            return 0
        fi
    done

    # The option whose value is under the cursor: "--opt=VAL" as one word,
    # "--opt" "=" "VAL" when '=' breaks words (bash's default), "--opt VAL".
    if [[ $cur == -*=* ]]; then
        opt=${cur%%=*} pre="${cur%%=*}=" cur=${cur#*=}
    elif [[ $cur == = && $prev == -?* ]]; then
        opt=$prev pre="=" cur=""
    elif [[ $prev == = ]] && ((COMP_CWORD > 2)) && [[ ${COMP_WORDS[COMP_CWORD - 2]} == -?* ]]; then
        opt=${COMP_WORDS[COMP_CWORD - 2]}
    elif [[ $prev == -?* && $prev != -- && $prev != *=* ]] &&
        [[ -n $(_heapscope_argspec "$prog" "$cmd" "$prev") ]]; then
        opt=$prev
    fi
    if [[ -n $opt ]]; then
        vals=$(_heapscope_values "$prog" "$cmd" "$opt")
        case $? in
        0)
            local IFS=$'\n'
            COMPREPLY=($(compgen -P "$pre" -W "$vals" -- "$cur"))
            ;;
        2) _heapscope_files "$pre" ;;
        esac
        return 0
    fi

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$("$prog" __complete "$cmd" 2>/dev/null | grep -v '^=')" -- "$cur"))
        return 0
    fi
    _heapscope_files
}

complete -F _heapscope heapscope
