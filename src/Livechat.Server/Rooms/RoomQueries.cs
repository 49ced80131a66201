using Livechat.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Rooms;

/// <summary>Room reads that other folders share. The hot ones are compiled (<see cref="CompiledQuery{TQuery}"/>).</summary>
public static class RoomQueries
{
    static readonly CompiledQuery<Func<LivechatDb, string, CancellationToken, Task<LivechatRoom?>>> OpenRoomOf = new(() => EF.CompileAsyncQuery(
        (LivechatDb db, string visitorId, CancellationToken _) =>
            db.Rooms.AsNoTracking().Where(r => r.VisitorId == visitorId && r.Open).OrderByDescending(r => r.Ts).FirstOrDefault()));

    /// <summary>The visitor's open room (the newest, should there ever be two).</summary>
    public static Task<LivechatRoom?> OpenRoomOfAsync(LivechatDb db, string visitorId, CancellationToken ct) => OpenRoomOf.For(db)(db, visitorId, ct);

    /// <summary>What the visitor-token endpoints (opening a room, sending a message) need of their visitor.</summary>
    public sealed record RoomVisitor(string Id, string Username, string Token, string? Name, string? Department, string Status);

    static readonly CompiledQuery<Func<LivechatDb, string, CancellationToken, Task<RoomVisitor?>>> VisitorOf = new(() => EF.CompileAsyncQuery(
        (LivechatDb db, string token, CancellationToken _) => db.Visitors.Where(v => v.Token == token)
            .Select(v => new RoomVisitor(v.Id, v.Username, v.Token, v.Name, v.Department, v.Status)).FirstOrDefault()));

    /// <summary>The visitor with this token (its unique index), as the visitor-token endpoints need it.</summary>
    public static Task<RoomVisitor?> VisitorOfTokenAsync(LivechatDb db, string token, CancellationToken ct) => VisitorOf.For(db)(db, token, ct);
}
