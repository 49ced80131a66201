using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Settings;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Auth;

/// <summary>Rocket.Chat's <c>Block_Multiple_Failed_Logins_*</c> rules: failures since the last success, per IP and per user.</summary>
public sealed class LoginGuard(LivechatDb db, SettingsStore settings, TimeProvider time)
{
    public async Task<ApiError?> BlockedAsync(string ip, string? username, CancellationToken ct)
    {
        if (!await settings.GetBoolAsync("Block_Multiple_Failed_Logins_Enabled", ct)) return null;

        var whitelist = (await settings.GetStringAsync("Block_Multiple_Failed_Logins_Ip_Whitelist", ct))
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (await settings.GetBoolAsync("Block_Multiple_Failed_Logins_By_Ip", ct) && !whitelist.Contains(ip)
            && await IsBlockedAsync(db.LoginAttempts.Where(a => a.Ip == ip),
                await settings.GetIntAsync("Block_Multiple_Failed_Logins_Attempts_Until_Block_By_Ip", ct),
                await settings.GetNumberAsync("Block_Multiple_Failed_Logins_Time_To_Unblock_By_Ip_In_Minutes", ct), ct))
        {
            return LoginEndpoints.LoginFailure("error-login-blocked-for-ip", "Login has been temporarily blocked For IP");
        }

        if (username is null || !await settings.GetBoolAsync("Block_Multiple_Failed_Logins_By_User", ct)) return null;
        var key = username.Trim().ToLowerInvariant();
        var user = await db.Users.AsNoTracking().Where(u => u.UsernameKey == key || u.Email == key).Select(u => u.Username).FirstOrDefaultAsync(ct);
        if (user is not null
            && await IsBlockedAsync(db.LoginAttempts.Where(a => a.Username == user),
                await settings.GetIntAsync("Block_Multiple_Failed_Logins_Attempts_Until_Block_by_User", ct),
                await settings.GetNumberAsync("Block_Multiple_Failed_Logins_Time_To_Unblock_By_User_In_Minutes", ct), ct))
        {
            return LoginEndpoints.LoginFailure("error-login-blocked-for-user", "Login has been temporarily blocked For User");
        }
        return null;
    }

    /// <summary>Records an attempt under the canonical username when the user exists, else under the name given.</summary>
    public async Task RecordAsync(string ip, string? username, bool succeeded, CancellationToken ct)
    {
        if (username is not null)
        {
            var key = username.Trim().ToLowerInvariant();
            username = await db.Users.AsNoTracking().Where(u => u.UsernameKey == key || u.Email == key)
                .Select(u => u.Username).FirstOrDefaultAsync(ct) ?? username;
        }
        db.LoginAttempts.Add(new LoginAttempt { Ip = ip, Username = username, Succeeded = succeeded, Ts = time.UtcNow() });
        await db.SaveChangesAsync(ct);
    }

    async Task<bool> IsBlockedAsync(IQueryable<LoginAttempt> attempts, int limit, double minutes, CancellationToken ct)
    {
        var lastSuccess = await attempts.Where(a => a.Succeeded).MaxAsync(a => (DateTime?)a.Ts, ct);
        var failures = attempts.Where(a => !a.Succeeded);
        if (lastSuccess is { } since) failures = failures.Where(a => a.Ts > since);
        var count = await failures.CountAsync(ct);
        if (count < limit) return false;
        var latest = await failures.MaxAsync(a => (DateTime?)a.Ts, ct);
        return latest is { } l && time.UtcNow() - l < TimeSpan.FromMinutes(minutes);
    }
}
