using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Users;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Auth;

/// <summary>A resume token's stored login and its user.</summary>
public sealed record Resumed(LoginToken Token, User User);

/// <summary>Meteor's resume tokens, for REST <c>login</c> and DDP <c>login</c> alike.</summary>
public static class ResumeTokens
{
    /// <summary>Meteor's answer to a resume token it does not know.</summary>
    public const string LoggedOut = "You've been logged out by the server. Please log in again.";

    /// <summary>The login a resume token belongs to.</summary>
    public static Task<Resumed?> FindAsync(LivechatDb db, string token, CancellationToken ct)
    {
        var hash = Ids.HashToken(token);
        return db.LoginTokens.AsNoTracking().Where(t => t.HashedToken == hash)
            .Join(db.Users, t => t.UserId, u => u.Id, (t, u) => new Resumed(t, u))
            .FirstOrDefaultAsync(ct);
    }
}
