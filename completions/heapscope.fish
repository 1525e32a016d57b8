# fish completion for heapscope(1)
#
# Nothing here lists commands, options or values: the binary being
# completed is asked, and it answers from the same option tables that
# parse the command line.  `heapscope __complete` prints the commands,
# `heapscope __complete CMD` a command's options, and `heapscope
# __complete CMD OPT` what OPT's value is: nothing for a flag, `=VALUE`
# lines for a fixed set (--format, --granularity, --by, --profile...),
# `:file` for a file name, `:any` for anything else.
# Anything else completes as a file name.

# What the value of option $opt of command $cmd is, as `$prog __complete
# $cmd $opt` says; nothing when the option takes none.
function __heapscope_argspec -a prog cmd opt
    $prog __complete $cmd $opt 2>/dev/null
end

# Values for option $opt of command $cmd, one per line.  Status 0: values
# printed; 2: the value is a file name; 1: free-form (nothing to offer).
function __heapscope_values -a prog cmd opt
    set -l spec (__heapscope_argspec $prog $cmd $opt)
    if test "$spec[1]" = :file
        return 2
    end
    set -l vals (string match -r -- '^=.*' $spec | string sub -s 2)
    if set -q vals[1]
        printf '%s\n' $vals
        return 0
    end
    return 1
end

function __heapscope_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    # Ask the very binary being completed (build/heapscope...), else PATH's.
    set -l prog heapscope
    if string match -q -- '*/*' $tokens[1]; and test -x $tokens[1]
        set prog $tokens[1]
    end

    set -l n (count $tokens)
    if test $n -eq 1
        $prog __complete 2>/dev/null
        return
    end
    set -l cmd $tokens[2]
    switch $cmd
        case help --help -h
            test $n -eq 2; and $prog __complete 2>/dev/null
            return
        case '-*'
            return
    end
    # After "--" only file names.
    if test $n -ge 3; and contains -- -- $tokens[3..$n]
        __fish_complete_path $cur
        return
    end

    # "--opt=VALUE" as one token, or "--opt VALUE".
    set -l opt
    set -l pre '' # a string, not an empty list: $pre$vals must not vanish
    if string match -qr -- '^-[^=]+=' $cur
        set opt (string replace -r -- '=.*' '' $cur)
        set pre "$opt="
        set cur (string replace -r -- '^[^=]*=' '' $cur)
    else if test $n -ge 3; and string match -qr -- '^-[^=]' $tokens[$n]; and test "$tokens[$n]" != --
        if test -n "$(__heapscope_argspec $prog $cmd $tokens[$n])"
            set opt $tokens[$n]
        end
    end
    if test -n "$opt"
        set -l vals (__heapscope_values $prog $cmd $opt)
        switch $status
            case 0
                printf '%s\n' $pre$vals
            case 2
                for f in (__fish_complete_path $cur)
                    printf '%s\n' $pre$f
                end
        end
        return
    end

    if string match -q -- '-*' $cur
        $prog __complete $cmd 2>/dev/null | string match -v -- '=*'
        return
    end
    __fish_complete_path $cur
end

complete -c heapscope -f -a '(__heapscope_complete)'
