using System.Threading.Channels;
using Livechat.Server.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Livechat.Server.Webhooks;

/// <summary>
/// A webhook call waiting for delivery (transactional outbox): written in the same transaction as the change it
/// reports, delivered after commit by <see cref="WebhookWorker"/>, kept with its last error when given up.
/// </summary>
public sealed class OutboxMessage
{
    public required string Id { get; init; }

    /// <summary>The event, e.g. <c>LivechatEdit</c>.</summary>
    public required string Type { get; init; }

    public string? RoomId { get; init; }

    /// <summary>
    /// Delivery order within the room: a row waits while an earlier one of its room is pending. The room's
    /// <c>_version</c> after the change × <see cref="SlotsPerVersion"/>, plus the call's slot within that change
    /// (<see cref="Order"/>): <c>LivechatEdit</c>, then <c>room.updated</c>, then the lifecycle events in the order
    /// Rocket.Chat sends them (<see cref="LifecycleWebhooks"/>).
    /// </summary>
    public long OrderKey { get; init; }

    public const int SlotsPerVersion = 16;
    public const int EditSlot = 0;
    public const int RoomUpdatedSlot = 1;
    public const int FirstLifecycleSlot = 2;

    /// <summary>The <see cref="OrderKey"/> of the call in <paramref name="slot"/> of the change that committed <paramref name="version"/>.</summary>
    public static long Order(int version, int slot) => (long)version * SlotsPerVersion + Math.Min(slot, SlotsPerVersion - 1);

    /// <summary>The JSON body to POST.</summary>
    public required string Payload { get; init; }

    public required DateTime CreatedAt { get; init; }
    public int Attempts { get; set; }
    public required DateTime NextAttemptAt { get; set; }

    /// <summary>A worker owns the row until then (several server processes may share one database).</summary>
    public DateTime? LockedUntil { get; set; }

    public OutboxStatus Status { get; set; } = OutboxStatus.Pending;
    public string? LastError { get; set; }
    public DateTime? DeliveredAt { get; set; }
}

public enum OutboxStatus { Pending = 0, Delivered = 1, Failed = 2 }

/// <summary>What the webhook and mail outboxes share: the status names of their listings, and the workers' poll loop.</summary>
public static class Outbox
{
    public static readonly string[] StatusNames = ["pending", "delivered", "failed"];

    /// <summary>The <c>?status=</c> filter: null when absent, or the 400 for an unknown name.</summary>
    public static (OutboxStatus? Status, ApiError? Error) ParseStatus(HttpRequest http)
    {
        if (http.Query["status"].ToString() is not { Length: > 0 } status) return (null, null);
        var index = Array.IndexOf(StatusNames, status);
        return index < 0
            ? (null, ApiError.InvalidParams("must be equal to one of the allowed values (status: pending, delivered, failed)"))
            : ((OutboxStatus)index, null);
    }

    /// <summary>
    /// Runs <paramref name="next"/> (one due row; false when none) until nothing is due, then waits for a wake-up or
    /// <paramref name="poll"/>; an error is logged and the loop goes on at the next poll.
    /// </summary>
    public static async Task RunAsync(Func<CancellationToken, Task<bool>> next, ChannelReader<bool> wake, TimeSpan poll,
        Action<Exception> logError, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await next(stoppingToken))
                {
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logError(e);
            }
            using var delay = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            delay.CancelAfter(poll);
            try
            {
                await wake.ReadAsync(delay.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
            }
        }
    }
}

sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("webhook_outbox");
        b.HasKey(m => m.Id);
        b.HasIndex(m => new { m.Status, m.NextAttemptAt });
        b.HasIndex(m => new { m.RoomId, m.Status, m.OrderKey });
        b.HasIndex(m => m.CreatedAt);
    }
}
