using Livechat.Server.Data;
using Livechat.Server.Rooms;
using Livechat.Server.Scheduling;
using Livechat.Server.Settings;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.OnHold;

/// <summary>
/// Rocket.Chat EE's visitor inactivity monitor: under <c>Livechat_abandoned_rooms_action</c> <c>close</c> or
/// <c>on-hold</c>, a served open chat whose agent replied last, <c>Livechat_visitor_inactivity_timeout</c> seconds or more
/// ago with no visitor message since, is closed (with <c>Livechat_abandoned_rooms_closed_custom_message</c>, or Rocket.Chat's
/// text) or put on hold, by <c>rocket.cat</c>. Due rooms are found from the room's own columns (the agent's last reply
/// and the visitor's last message, kept by every message write), and each is acted on with a version-checked write of
/// the room as read, so of two processes one closes it, and a room due while the server was down is handled at its
/// first pass.
/// </summary>
public sealed class AbandonedRooms : ITimedAction
{
    /// <summary>Rooms handled per pass; the rest wait for the next one.</summary>
    const int Batch = 100;

    public string Name => "abandoned-rooms";

    public async Task<int> RunDueAsync(IServiceProvider services, DateTime now, CancellationToken ct)
    {
        var settings = services.GetRequiredService<SettingsStore>();
        var action = await settings.GetStringAsync("Livechat_abandoned_rooms_action", ct);
        var timeout = await settings.GetIntAsync("Livechat_visitor_inactivity_timeout", ct);
        if (action is not ("close" or "on-hold") || timeout <= 0) return 0;

        var db = services.GetRequiredService<LivechatDb>();
        var cutoff = now.AddSeconds(-timeout);
        var due = await db.Rooms.AsNoTracking()
            .Where(r => r.Open && !r.OnHold && r.ServedById != null && !r.WaitingResponse
                && r.ResponseLastMessageTs != null && r.ResponseLastMessageTs <= cutoff
                && (r.VisitorLastMessageTs == null || r.VisitorLastMessageTs < r.ResponseLastMessageTs)
                && (r.AbandonedResponseTs == null || r.AbandonedResponseTs < r.ResponseLastMessageTs))
            .OrderBy(r => r.ResponseLastMessageTs).Select(r => r.Id).Take(Batch).ToListAsync(ct);
        var custom = await settings.GetStringAsync("Livechat_abandoned_rooms_closed_custom_message", ct);
        var done = 0;
        foreach (var id in due)
        {
            db.ChangeTracker.Clear();
            var room = await db.Rooms.FirstOrDefaultAsync(r => r.Id == id && r.Open && !r.OnHold, ct);
            if (room is null) continue;
            var guest = await db.Visitors.AsNoTracking().Where(v => v.Id == room.VisitorId).Select(v => v.Name ?? v.Username).FirstOrDefaultAsync(ct)
                ?? room.VisitorUsername;
            var cat = RoomHold.RocketCat;
            try
            {
                if (action == "close")
                {
                    var comment = custom.Length > 0 ? custom
                        : $"The chat was automatically closed because we haven't received any reply from {guest} in {timeout} seconds";
                    if (await RoomClosing.CloseAsync(db, settings, room, "user", cat.Id, cat.Username, cat.Name, comment, [], now, ct)) done++;
                }
                else
                {
                    room.AbandonedResponseTs = room.ResponseLastMessageTs;
                    await RoomHold.PlaceAsync(db, services.GetRequiredService<Writes>(), settings, room,
                        $"The chat was automatically placed On Hold because we haven't received any reply from {guest} in {timeout} seconds", cat, now, ct);
                    done++;
                }
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another process acted on the room first, or a message changed it: the next pass looks again.
            }
        }
        return done;
    }
}
