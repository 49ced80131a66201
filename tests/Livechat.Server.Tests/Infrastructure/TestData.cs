using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Rooms;
using Livechat.Server.Visitors;
using Microsoft.Extensions.DependencyInjection;

namespace Livechat.Server.Tests.Infrastructure;

/// <summary>
/// Direct database access for arranging what the HTTP API cannot create yet (visitors, rooms, department agents)
/// and for asserting rows; tests drive the behaviour under test over HTTP.
/// </summary>
public static class TestData
{
    public const string Forbidden = """{"success":false,"error":"User does not have the permissions required for this action [error-unauthorized]"}""";

    public static async Task<T> WithDbAsync<T>(this LivechatServerFactory factory, Func<LivechatDb, Task<T>> action)
    {
        using var scope = factory.Services.CreateScope();
        return await action(scope.ServiceProvider.GetRequiredService<LivechatDb>());
    }

    public static Task WithDbAsync(this LivechatServerFactory factory, Func<LivechatDb, Task> action) =>
        factory.WithDbAsync(async db => { await action(db); return true; });

    public static async Task<Visitor> InsertVisitorAsync(this LivechatServerFactory factory, Dictionary<string, string>? livechatData = null)
    {
        var now = DateTime.UtcNow;
        var visitor = new Visitor
        {
            Id = Ids.NewObjectId(), Token = TestUsers.Unique("token"), Username = TestUsers.Unique("guest-"),
            Ts = now, UpdatedAt = now, LivechatData = livechatData,
        };
        await factory.WithDbAsync(db => { db.Visitors.Add(visitor); return db.SaveChangesAsync(); });
        return visitor;
    }

    /// <summary>A room of the visitor, with its inquiry when <paramref name="withInquiry"/>.</summary>
    public static async Task<LivechatRoom> InsertRoomAsync(
        this LivechatServerFactory factory, Visitor visitor, bool open = true, string? slaId = null, int waitingTime = LivechatRoom.NoSlaWaitingTime,
        bool withInquiry = false)
    {
        var now = DateTime.UtcNow;
        var room = new LivechatRoom
        {
            Id = Ids.NewId(), Fname = visitor.Username, Ts = now, UpdatedAt = now, Open = open,
            VisitorId = visitor.Id, VisitorUsername = visitor.Username, VisitorToken = visitor.Token,
            SlaId = slaId, EstimatedWaitingTimeQueue = waitingTime,
        };
        await factory.WithDbAsync(db =>
        {
            db.Rooms.Add(room);
            if (withInquiry)
            {
                db.Inquiries.Add(new Inquiry
                {
                    Id = Ids.NewObjectId(), Rid = room.Id, Name = visitor.Username, VisitorId = visitor.Id,
                    VisitorUsername = visitor.Username, VisitorToken = visitor.Token, Ts = now, QueuedAt = now, UpdatedAt = now,
                    SlaId = slaId, EstimatedWaitingTimeQueue = waitingTime,
                });
            }
            return db.SaveChangesAsync();
        });
        return room;
    }
}
