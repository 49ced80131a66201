using Livechat.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Rooms;

/// <summary>Room reads that other folders share.</summary>
public static class RoomQueries
{
    /// <summary>The visitor's open room (the newest, should there ever be two).</summary>
    public static Task<LivechatRoom?> OpenRoomOfAsync(LivechatDb db, string visitorId, CancellationToken ct) =>
        db.Rooms.AsNoTracking().Where(r => r.VisitorId == visitorId && r.Open).OrderByDescending(r => r.Ts).FirstOrDefaultAsync(ct);
}
