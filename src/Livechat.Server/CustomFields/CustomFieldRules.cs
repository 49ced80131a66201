using System.Text.RegularExpressions;

namespace Livechat.Server.CustomFields;

/// <summary>
/// How custom-field values are checked against a definition's <c>regexp</c> (room-saveInfo §5.6): ECMAScript semantics,
/// no flags, unanchored (a match anywhere passes), one second at most; a timeout counts as a failed match.
/// </summary>
public static class CustomFieldRules
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

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
