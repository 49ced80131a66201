using Livechat.Server.Http;
using Livechat.Server.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Data;

/// <summary>
/// Removes what has outlived its use, every <see cref="Interval"/>: expired <c>Idempotency-Key</c>s, change events
/// that are not part of an audit log after <see cref="EventRetention"/>, and finished webhook deliveries after
/// <see cref="DeliveryRetention"/>. Safe to run in several processes at once (plain conditional deletes).
/// </summary>
public sealed partial class Housekeeping(IServiceScopeFactory scopes, TimeProvider time, ILogger<Housekeeping> logger) : BackgroundService
{
    static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan EventRetention = TimeSpan.FromDays(1);
    public static readonly TimeSpan DeliveryRetention = TimeSpan.FromDays(7);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first pass waits a while, so start-up (and its migrations) is not slowed.
        await Task.Delay(TimeSpan.FromMinutes(1), time, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await RunOnceAsync(scope.ServiceProvider.GetRequiredService<LivechatDb>(), time.UtcNow(), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
            await Task.Delay(Interval, time, stoppingToken);
        }
    }

    /// <summary>One pass; returns the number of rows removed.</summary>
    public static async Task<int> RunOnceAsync(LivechatDb db, DateTime now, CancellationToken ct = default)
    {
        var events = now - EventRetention;
        var deliveries = now - DeliveryRetention;
        return await db.IdempotencyKeys.Where(k => k.ExpiresAt <= now).ExecuteDeleteAsync(ct)
            + await db.ChangeEvents.Where(e => !e.Audited && e.Ts < events).ExecuteDeleteAsync(ct)
            + await db.OutboxMessages.Where(m => m.Status != OutboxStatus.Pending && m.CreatedAt < deliveries).ExecuteDeleteAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Housekeeping pass failed; trying again at the next one")]
    static partial void LogFailed(ILogger logger, Exception exception);
}
