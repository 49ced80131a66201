using System.Threading.Channels;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Mail;

/// <summary>
/// Sends the mail outbox (<see cref="OutgoingMail"/>) through <see cref="SmtpTransport"/>, as <see cref="WebhookWorker"/>
/// delivers the webhook outbox: a row is claimed by compare-and-set (several processes may share the database), a failure
/// that may pass is retried after <see cref="Backoff"/>, at most <see cref="MaxAttempts"/> attempts, and a row given up
/// keeps its last error for <c>livechat/mail.deliveries</c>.
/// </summary>
public sealed partial class MailWorker(IServiceScopeFactory scopes, SmtpTransport smtp, TimeProvider time, ILogger<MailWorker> logger)
    : BackgroundService
{
    public const int MaxAttempts = 10;
    static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    /// <summary>Longer than one SMTP conversation may last, so a process killed mid-send holds its row no longer.</summary>
    static readonly TimeSpan Lease = TimeSpan.FromSeconds(45);

    readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Called after a commit that wrote mail, so sending starts without waiting for the next poll.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Outbox.RunAsync(SendNextAsync, _wake.Reader, PollInterval, e => LogWorkerError(logger, e), stoppingToken);

    /// <summary>Claims one due row and sends it; false when nothing is due.</summary>
    async Task<bool> SendNextAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LivechatDb>();
        var now = time.UtcNow();
        var candidate = await db.Mails.AsNoTracking()
            .Where(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now && (m.LockedUntil == null || m.LockedUntil < now))
            .OrderBy(m => m.NextAttemptAt)
            .Select(m => new { m.Id, m.LockedUntil })
            .FirstOrDefaultAsync(ct);
        if (candidate is null) return false;
        var until = now + Lease;
        var claimed = await db.Mails
            .Where(m => m.Id == candidate.Id && m.Status == OutboxStatus.Pending && m.LockedUntil == candidate.LockedUntil)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedUntil, until), ct);
        if (claimed == 0) return true;

        var mail = await db.Mails.SingleAsync(m => m.Id == candidate.Id, ct);
        SmtpTransport.Outcome outcome;
        try
        {
            outcome = await smtp.SendAsync(mail, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: the row is given back now, and the attempt does not count.
            await db.Mails.Where(m => m.Id == mail.Id && m.LockedUntil == until)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedUntil, (DateTime?)null), CancellationToken.None);
            throw;
        }

        mail.Attempts++;
        mail.LockedUntil = null;
        mail.LastError = outcome.Error;
        if (outcome.Sent)
        {
            mail.Status = OutboxStatus.Delivered;
            mail.SentAt = time.UtcNow();
        }
        else if (outcome.Retry && mail.Attempts < MaxAttempts)
        {
            mail.NextAttemptAt = time.UtcNow() + Backoff(mail.Attempts);
        }
        else
        {
            mail.Status = OutboxStatus.Failed;
            LogGivenUp(logger, mail.Id, mail.Kind, mail.Attempts, outcome.Error);
        }
        await db.SaveChangesAsync(CancellationToken.None);
        return true;
    }

    /// <summary>2 s after the first failure, doubling with each further one, at most an hour (about 17 minutes in all).</summary>
    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(2 * Math.Pow(2, Math.Max(0, attempts - 1)), TimeSpan.FromHours(1).TotalSeconds));

    [LoggerMessage(Level = LogLevel.Error, Message = "Mail sending loop failed; retrying at the next poll")]
    static partial void LogWorkerError(ILogger logger, Exception exception);

    // The error text is the transport's, already free of the SMTP password; addresses and bodies are not logged.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail {Id} ({Kind}) given up after {Attempts} attempts: {Error}")]
    static partial void LogGivenUp(ILogger logger, string id, string kind, int attempts, string? error);
}

public static class MailSetup
{
    public static IServiceCollection AddMailOutbox(this IServiceCollection services)
    {
        services.AddSingleton<SmtpTransport>();
        services.AddSingleton<MailWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<MailWorker>());
        return services;
    }

    /// <summary>Adds a mail to the outbox of the caller's unit of work (saved with it).</summary>
    public static void Enqueue(LivechatDb db, string kind, string? roomId, string to, string subject, string text, string html, DateTime now,
        string? fromName = null, string? replyTo = null) =>
        db.Mails.Add(new OutgoingMail
        {
            Id = Ids.NewObjectId(), Kind = kind, RoomId = roomId, To = to, Subject = subject, Text = text, Html = html,
            FromName = fromName, ReplyTo = replyTo, CreatedAt = now, NextAttemptAt = now,
        });
}
