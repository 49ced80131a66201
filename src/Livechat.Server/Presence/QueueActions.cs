using Livechat.Server.Data;
using Livechat.Server.Events;
using Livechat.Server.Rooms;
using Livechat.Server.Scheduling;
using Livechat.Server.Settings;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Presence;

/// <summary>
/// The safety net of the waiting queue (with <c>Livechat_waiting_queue</c> on; Rocket.Chat EE's queue worker): chats
/// still queued while an agent has room (a close whose assignment failed,
/// an agent who came online or was given a higher limit) are assigned at the next pass
/// (<see cref="Routing.AssignWaitingAsync"/>; each assignment is conditional, so processes never assign one chat twice).
/// </summary>
public sealed class QueueDrain : ITimedAction
{
    public string Name => "queue-drain";

    public Task<int> RunDueAsync(IServiceProvider services, DateTime now, CancellationToken ct) =>
        Routing.AssignWaitingAsync(services.GetRequiredService<LivechatDb>(), services.GetRequiredService<SettingsStore>(), null, now, ct);
}

/// <summary>
/// Rocket.Chat EE's <c>Livechat_max_queue_wait_time</c> (minutes; 0 or less: off): a chat queued longer goes to its
/// department's <c>fallbackForwardDepartment</c> (and waits there afresh), or, without one, is closed by
/// <c>rocket.cat</c> with Rocket.Chat's comment. Each move is a conditional write on the inquiry as it was found and
/// each close is version-checked, so it happens once whatever the number of processes.
/// </summary>
public sealed class QueueWaitLimit : ITimedAction
{
    public string Name => "queue-wait-limit";

    public async Task<int> RunDueAsync(IServiceProvider services, DateTime now, CancellationToken ct)
    {
        var settings = services.GetRequiredService<SettingsStore>();
        var minutes = await settings.GetIntAsync("Livechat_max_queue_wait_time", ct);
        if (minutes <= 0) return 0;
        var db = services.GetRequiredService<LivechatDb>();
        var since = now.AddMinutes(-minutes);
        var due = await db.Inquiries.AsNoTracking().Where(i => i.Status == "queued" && i.QueuedAt <= since).OrderBy(i => i.QueuedAt)
            .Select(i => new { i.Id, i.Rid, i.Department, i.QueuedAt }).Take(200).ToListAsync(ct);
        var done = 0;
        foreach (var inquiry in due)
        {
            db.ChangeTracker.Clear();
            var fallback = inquiry.Department is null ? null : await db.Departments.AsNoTracking()
                .Where(d => d.Id == inquiry.Department).Select(d => d.FallbackForwardDepartment).FirstOrDefaultAsync(ct);
            if (fallback is not null && fallback != inquiry.Department && await db.Departments.AnyAsync(d => d.Id == fallback && d.Enabled, ct))
            {
                if (await MoveAsync(db, inquiry.Id, inquiry.Rid, inquiry.QueuedAt, fallback, now, ct))
                {
                    done++;
                    await Routing.RouteAsync(db, settings, inquiry.Id, fallback, now, ct);
                }
                continue;
            }
            var room = await db.Rooms.FirstOrDefaultAsync(r => r.Id == inquiry.Rid && r.Open && r.ServedById == null, ct);
            // The inquiry must still be the one found: taken or moved since, it is not due any more.
            if (room is null || !await db.Inquiries.AnyAsync(i => i.Id == inquiry.Id && i.Status == "queued" && i.QueuedAt == inquiry.QueuedAt, ct)) continue;
            var comment = $"Closed automatically because chat was waiting for an agent for more than {minutes} minutes";
            if (await RoomClosing.CloseAsync(db, settings, room, "user", "rocket.cat", "rocket.cat", "Rocket.Cat", comment, [], now, ct)) done++;
        }
        return done;
    }

    /// <summary>The queued chat to <paramref name="department"/>, queued there from now; false when it changed since it was found.</summary>
    static async Task<bool> MoveAsync(LivechatDb db, string inquiryId, string rid, DateTime queuedAt, string department, DateTime now, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var room = await RoomLocks.LockAsync(db, rid, ct);
        if (room is not { Open: true, ServedById: null }) return false;
        var moved = await db.Inquiries.Where(i => i.Id == inquiryId && i.Status == "queued" && i.QueuedAt == queuedAt)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Department, department).SetProperty(i => i.QueuedAt, now).SetProperty(i => i.UpdatedAt, now), ct);
        if (moved == 0) return false;
        room.DepartmentId = department;
        room.QueuedAt = now;
        var inquiry = await db.Inquiries.AsNoTracking().FirstAsync(i => i.Id == inquiryId, ct);
        db.RecordChange(ChangeEvents.ForInquiry(ChangeTypes.InquiryQueued, inquiry));
        return await Routing.SaveVersionCheckedAsync(db, tx, ct);
    }
}
