using Livechat.Server.Data;
using Livechat.Server.Events;
using Livechat.Server.Rooms;
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
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var change = new FieldChange(visitor.Status, status);
        visitor.Status = status;
        visitor.UpdatedAt = now;
        // The open rooms mirror the status (v.status); their events name the visitor's field that moved. One save
        // stores the visitor and the rooms' events.
        await RoomUpdates.UpdateAsync(db, db.Rooms.Where(r => r.VisitorId == visitor.Id && r.Open && r.VisitorStatus != status),
            s => s.SetProperty(r => r.VisitorStatus, status), now, ct, new Dictionary<string, FieldChange> { ["visitor.status"] = change });
        await db.SaveChangesAsync(ct);
        await db.Inquiries.Where(i => i.VisitorId == visitor.Id).ExecuteUpdateAsync(s => s
            .SetProperty(i => i.VisitorStatus, status).SetProperty(i => i.UpdatedAt, now), ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
