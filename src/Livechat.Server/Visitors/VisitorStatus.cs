using Livechat.Server.Data;
using Livechat.Server.Events;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Visitors;

/// <summary>A visitor's presence (<c>online</c>, <c>away</c>, <c>busy</c>, <c>offline</c>), mirrored on its open rooms and inquiries.</summary>
public static class VisitorStatus
{
    public static readonly string[] All = ["online", "away", "busy", "offline"];

    /// <summary>Sets the status in one transaction; false when no visitor has the token.</summary>
    public static async Task<bool> SetAsync(LivechatDb db, string token, string status, DateTime now, CancellationToken ct)
    {
        var visitor = await db.Visitors.FirstOrDefaultAsync(v => v.Token == token, ct);
        if (visitor is null) return false;
        ChangeScope.SetVisitor(visitor.Id, visitor.Username);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        visitor.Status = status;
        visitor.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await db.Rooms.Where(r => r.VisitorId == visitor.Id && r.Open).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.VisitorStatus, status).SetProperty(r => r.UpdatedAt, now).SetProperty(r => r.Version, r => r.Version + 1), ct);
        await db.Inquiries.Where(i => i.VisitorId == visitor.Id).ExecuteUpdateAsync(s => s
            .SetProperty(i => i.VisitorStatus, status).SetProperty(i => i.UpdatedAt, now), ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
