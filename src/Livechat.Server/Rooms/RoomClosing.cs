using Livechat.Server.Data;
using Livechat.Server.Events;
using Livechat.Server.Mail;
using Livechat.Server.Messages;
using Livechat.Server.Settings;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Rooms;

/// <summary>The closing effects of livechat-endpoints §4.9, shared by <c>room.close</c> and <c>room.closeByUser</c>.</summary>
public static class RoomClosing
{
    /// <summary>
    /// Closes a tracked open room in one transaction: closedAt/closedBy/closer/metrics, <c>v.status: offline</c>, the tag
    /// union, <c>open</c> removed, the inquiry deleted and the <c>livechat-close</c> message added. Returns false when
    /// another request changed the room first (it is then re-read by the caller). After the commit, the chats waiting for
    /// the freed agent are assigned (<see cref="Routing.AssignWaitingAsync"/>). A requested transcript is queued for mail
    /// (<see cref="Transcripts.OnCloseAsync"/>).
    /// </summary>
    public static async Task<bool> CloseAsync(LivechatDb db, SettingsStore settings, LivechatRoom room, string closer,
        string closedById, string closedByUsername, string? closedByName, string comment, IEnumerable<string> requestTags,
        DateTime now, CancellationToken ct, bool? sendTranscript = null, TranscriptAddress? transcript = null)
    {
        var departmentTags = room.DepartmentId is null ? null : await db.Departments.AsNoTracking()
            .Where(d => d.Id == room.DepartmentId).Select(d => d.ChatClosingTags).FirstOrDefaultAsync(ct);
        var readReceipts = await settings.GetBoolAsync("Message_Read_Receipt_Enabled", ct);

        var servedBy = room.ServedById;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        room.Open = false;
        room.ClosedAt = now;
        room.ClosedById = closedById;
        room.ClosedByUsername = closedByUsername;
        room.Closer = closer;
        room.ChatDuration = (now - room.Ts).TotalSeconds;
        room.ServiceTimeDuration = room.ServedByTs is { } served ? (now - served).TotalSeconds : null;
        room.VisitorStatus = "offline";
        room.OnHold = false;   // as Rocket.Chat's close: a closed chat is no longer on hold
        var tags = (room.Tags ?? []).Concat(requestTags).Concat(departmentTags ?? [])
            .Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        room.Tags = tags.Count > 0 || room.Tags is not null ? tags : null;
        RoomMessages.Append(db, room,
            RoomMessages.System(room, "livechat-close", comment, closedById, closedByUsername, closedByName, now, readReceipts));
        if (await db.Inquiries.Where(i => i.Rid == room.Id).ExecuteDeleteAsync(ct) > 0)
        {
            db.RecordChange(ChangeEvents.InquiryRemoved(room));
        }
        // The transcript e-mail goes into the mail outbox in this transaction: closed means it will be sent.
        await Transcripts.OnCloseAsync(db, settings, room.Id, room.VisitorId, sendTranscript, transcript, now, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
        await tx.CommitAsync(ct);
        await Routing.FreedAsync(db, settings, servedBy, now, ct);
        return true;
    }
}
