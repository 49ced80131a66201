using System.Text.RegularExpressions;

namespace Livechat.Server.CustomFields;

/// <summary>
/// How custom-field values are checked against a definition's <c>regexp</c> (room-saveInfo §5, rule 6): ECMAScript semantics,
/// no flags, unanchored (a match anywhere passes), 50 ms at most (visitors send the values, so each costs little); a
/// timeout counts as a failed match. Patterns with nested quantifiers are refused when they are saved.
/// </summary>
public static class CustomFieldRules
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(50);

    /// <summary>Whether the value passes the pattern; an empty value or an empty pattern always passes.</summary>
    public static bool Matches(string? regexp, string value)
    {
        if (string.IsNullOrEmpty(regexp) || value.Length == 0) return true;
        try
        {
            return Regex.IsMatch(value, regexp, RegexOptions.ECMAScript, Timeout);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            // Stored patterns compile (custom-fields.save checks them); one that does not can match nothing.
            return false;
        }
    }

    /// <summary>
    /// Whether a repeated group itself contains a repetition, as in <c>(a+)+</c>, <c>(a*)*b</c> or <c>((ab)+){2,}</c>:
    /// the shape that backtracks exponentially on a near-miss. <c>custom-fields.save</c> refuses such patterns.
    /// </summary>
    public static bool HasNestedQuantifier(string? regexp)
    {
        if (string.IsNullOrEmpty(regexp)) return false;
        var repeats = new Stack<bool>();     // per open group: does its content repeat something?
        var inner = false;                   // the same for the group being read
        var lastWasRepeatingGroup = false;   // the atom just read is a group whose content repeats
        for (var i = 0; i < regexp.Length; i++)
        {
            var c = regexp[i];
            if (Quantifier(regexp, i) is { } q)
            {
                if (q.Repeats)
                {
                    if (lastWasRepeatingGroup) return true;
                    inner = true;
                }
                i = q.End;
                if (i + 1 < regexp.Length && regexp[i + 1] == '?') i++;   // lazy form
                lastWasRepeatingGroup = false;
                continue;
            }
            lastWasRepeatingGroup = false;
            switch (c)
            {
                case '\\':
                    i++;
                    break;
                case '[':
                    i = ClassEnd(regexp, i);
                    break;
                case '(':
                    repeats.Push(inner);
                    inner = false;
                    break;
                case ')' when repeats.Count > 0:
                    lastWasRepeatingGroup = inner;
                    inner = repeats.Pop() | inner;
                    break;
            }
        }
        return false;
    }

    /// <summary>The quantifier starting at <paramref name="i"/>: where it ends and whether it allows more than one repetition.</summary>
    static (int End, bool Repeats)? Quantifier(string p, int i)
    {
        switch (p[i])
        {
            case '*' or '+':
                return (i, true);
            case '?':
                return (i, false);
            case '{':
                var close = p.IndexOf('}', i);
                if (close < 0) return null;
                var parts = p[(i + 1)..close].Split(',');
                if (parts.Length > 2 || !int.TryParse(parts[0], out var min)) return null;
                if (parts.Length == 1) return (close, min > 1);
                if (parts[1].Length == 0) return (close, true);
                return int.TryParse(parts[1], out var max) ? (close, max > 1) : null;
            default:
                return null;
        }
    }

    /// <summary>The index of the <c>]</c> closing the character class opened at <paramref name="i"/>.</summary>
    static int ClassEnd(string p, int i)
    {
        for (var j = i + 1; j < p.Length; j++)
        {
            if (p[j] == '\\') j++;
            else if (p[j] == ']') return j;
        }
        return p.Length - 1;
    }

    /// <summary>Whether this engine compiles the pattern; <c>custom-fields.save</c> rejects the ones it does not.</summary>
    public static bool IsValidPattern(string? regexp)
    {
        if (string.IsNullOrEmpty(regexp)) return true;
        try
        {
            _ = new Regex(regexp, RegexOptions.ECMAScript, Timeout);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
