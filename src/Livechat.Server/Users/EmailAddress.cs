using System.Text.RegularExpressions;

namespace Livechat.Server.Users;

public static partial class EmailAddress
{
    /// <summary>Rocket.Chat's <c>validateEmailDomain</c> shape check: something@something.tld.</summary>
    [GeneratedRegex(@"^[^\s@]+@[^\s@]+\.[^\s@]+$")]
    public static partial Regex Pattern();
}
