using Livechat.Server.Http;
using Livechat.Server.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Data;

/// <summary>
/// Removes what has outlived its use, every <see cref="Interval"/>: expired <c>Idempotency-Key</c>s, change events
/// that are not part of an audit log after <see cref="EventRetention"/> (audited ones then shrink to their audit row),
/// audit rows after <see cref="Retention.Audit"/>, login attempts after <see cref="Retention.LoginAttempts"/>, and
/// finished webhook deliveries and mails after <see cref="DeliveryRetention"/>. Safe to run in several processes at once (plain
/// conditional statements).
/// </summary>
public sealed partial class Housekeeping(IServiceScopeFactory scopes, TimeProvider time, IConfiguration config, ILogger<Housekeeping> logger)
    : BackgroundService
{
    static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan EventRetention = TimeSpan.FromDays(1);
    public static readonly TimeSpan DeliveryRetention = TimeSpan.FromDays(7);

    /// <summary>
    /// How long audit rows (<c>Retention:AuditDays</c>, default 365) and login attempts (<c>Retention:LoginAttemptDays</c>,
    /// default 30; keep it above the failed-login unblock times) are kept.
    /// </summary>
    public sealed record Retention(TimeSpan Audit, TimeSpan LoginAttempts)
    {
        public static readonly Retention Default = new(TimeSpan.FromDays(365), TimeSpan.FromDays(30));

        public static Retention From(IConfiguration config) => new(
            TimeSpan.FromDays(config.GetValue("Retention:AuditDays", Default.Audit.TotalDays)),
            TimeSpan.FromDays(config.GetValue("Retention:LoginAttemptDays", Default.LoginAttempts.TotalDays)));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first pass waits a while, so start-up (and its migrations) is not slowed.
        await Task.Delay(TimeSpan.FromMinutes(1), time, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await RunOnceAsync(scope.ServiceProvider.GetRequiredService<LivechatDb>(), time.UtcNow(), Retention.From(config), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
            await Task.Delay(Interval, time, stoppingToken);
        }
    }

    /// <summary>One pass; returns the number of rows removed.</summary>
    public static async Task<int> RunOnceAsync(LivechatDb db, DateTime now, Retention? retention = null, CancellationToken ct = default)
    {
        retention ??= Retention.Default;
        var events = now - EventRetention;
        var deliveries = now - DeliveryRetention;
        var audit = now - retention.Audit;
        var attempts = now - retention.LoginAttempts;
        // Other processes have read the event's documents by now: the audit row keeps only the changed fields.
        await db.ChangeEvents.Where(e => e.Audited && e.Audit != null && e.Ts < events)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Data, e => e.Audit!).SetProperty(e => e.Audit, (string?)null), ct);
        return await db.IdempotencyKeys.Where(k => k.ExpiresAt <= now).ExecuteDeleteAsync(ct)
            + await db.ChangeEvents.Where(e => !e.Audited && e.Ts < events).ExecuteDeleteAsync(ct)
            + await db.ChangeEvents.Where(e => e.Audited && e.Ts < audit).ExecuteDeleteAsync(ct)
            + await db.LoginAttempts.Where(a => a.Ts < attempts).ExecuteDeleteAsync(ct)
            + await db.OutboxMessages.Where(m => m.Status != OutboxStatus.Pending && m.CreatedAt < deliveries).ExecuteDeleteAsync(ct)
            + await db.Mails.Where(m => m.Status != OutboxStatus.Pending && m.CreatedAt < deliveries).ExecuteDeleteAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Housekeeping pass failed; trying again at the next one")]
    static partial void LogFailed(ILogger logger, Exception exception);
}
