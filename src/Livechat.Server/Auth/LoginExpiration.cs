using Livechat.Server.Settings;

namespace Livechat.Server.Auth;

/// <summary>
/// Login tokens live <c>Accounts_LoginExpiration</c> days from their creation (Rocket.Chat's setting, default 90;
/// a value that is not a positive number means the default, as Rocket.Chat's <c>getLoginExpirationInDays</c>).
/// Personal access tokens do not expire.
/// </summary>
public static class LoginExpiration
{
    public const string Setting = "Accounts_LoginExpiration";
    public const int DefaultDays = 90;

    /// <summary>Meteor's answer to a resume with an expired token.</summary>
    public const string Expired = "Your session has expired. Please log in again.";

    public static async ValueTask<TimeSpan> LifetimeAsync(SettingsStore settings, CancellationToken ct)
    {
        var days = await settings.GetNumberAsync(Setting, ct);
        return TimeSpan.FromDays(days > 0 && days < 36_500 ? days : DefaultDays);
    }

    /// <summary>When the token stops working, or null for a personal access token.</summary>
    public static DateTime? ExpiresAt(LoginToken token, TimeSpan lifetime) => token.Type is null ? token.When + lifetime : null;
}
