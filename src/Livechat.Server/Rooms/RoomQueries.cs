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

    /// <summary>
    /// PostgreSQL: one connection for the request's reads and its write, opened now and returned to the pool with the
    /// request's context. EF Core opens and closes it around each statement otherwise, and every return to Npgsql's pool
    /// costs the server a reset in front of the next statement. SQLite: nothing (its pool costs no round trip, and a
    /// write runs on the group writer's connection).
    /// </summary>
    public static async Task KeepConnectionAsync(LivechatDb db, CancellationToken ct)
    {
        if (db.IsPostgres) await db.Database.OpenConnectionAsync(ct);
    }

    /// <summary>What opening a room by visitor token needs of the visitor.</summary>
    public sealed record RoomVisitor(string Id, string Username, string Token, string? Name, string? Department, string Status);

    /// <summary>The visitor of a token with the id of their open room (the newest, should there ever be two), if any.</summary>
    public sealed record VisitorAndOpenRoom(RoomVisitor Visitor, string? OpenRoomId);

    static readonly CompiledQuery<Func<LivechatDb, string, CancellationToken, Task<VisitorAndOpenRoom?>>> VisitorAndOpenRoomOf = new(() =>
        EF.CompileAsyncQuery((LivechatDb db, string token, CancellationToken _) => db.Visitors.Where(v => v.Token == token)
            .Select(v => new VisitorAndOpenRoom(
                new RoomVisitor(v.Id, v.Username, v.Token, v.Name, v.Department, v.Status),
                db.Rooms.Where(r => r.VisitorId == v.Id && r.Open).OrderByDescending(r => r.Ts).Select(r => r.Id).FirstOrDefault()))
            .FirstOrDefault()));

    /// <summary>
    /// The visitor of a token and whether they have an open room, in one statement (the room's id as a subquery on the
    /// one-open-room index): opening a new room, the common case, reads nothing else of the room.
    /// </summary>
    public static Task<VisitorAndOpenRoom?> VisitorAndOpenRoomOfTokenAsync(LivechatDb db, string token, CancellationToken ct) =>
        VisitorAndOpenRoomOf.For(db)(db, token, ct);

    static readonly CompiledQuery<Func<LivechatDb, string, CancellationToken, Task<LivechatRoom?>>> OpenRoomById = new(() => EF.CompileAsyncQuery(
        (LivechatDb db, string id, CancellationToken _) => db.Rooms.AsNoTracking().FirstOrDefault(r => r.Id == id && r.Open)));

    /// <summary>The room with this id while it is open.</summary>
    public static Task<LivechatRoom?> OpenRoomAsync(LivechatDb db, string id, CancellationToken ct) => OpenRoomById.For(db)(db, id, ct);
}
