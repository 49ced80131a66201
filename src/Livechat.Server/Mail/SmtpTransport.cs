using System.Globalization;
using System.Net.Sockets;
using Livechat.Server.Settings;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Livechat.Server.Mail;

/// <summary>
/// Sends one message over SMTP (MailKit) with Rocket.Chat's settings, read at sending time: <c>SMTP_Host</c>,
/// <c>SMTP_Port</c> (25, or 465 for smtps, when empty), <c>SMTP_Protocol</c> (<c>smtps</c>: TLS from the start),
/// <c>SMTP_IgnoreTLS</c> (off: STARTTLS whenever the server offers it), <c>SMTP_Username</c> / <c>SMTP_Password</c>
/// (authentication when a user name is set) and <c>From_Email</c>.
/// </summary>
public sealed class SmtpTransport(SettingsStore settings)
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The outcome: sent, or the error and whether trying again may help.</summary>
    public readonly record struct Outcome(bool Sent, bool Retry, string? Error);

    public async Task<Outcome> SendAsync(OutgoingMail mail, CancellationToken ct)
    {
        var host = (await settings.GetStringAsync("SMTP_Host", ct)).Trim();
        var from = FromAddress(await settings.GetStringAsync("From_Email", ct));
        // Not configured yet: kept and retried, so mail written before the admin sets SMTP up is not lost.
        if (host.Length == 0) return new(false, true, "SMTP_Host is not set");
        if (from is null) return new(false, true, "From_Email is not an e-mail address");
        var smtps = await settings.GetStringAsync("SMTP_Protocol", ct) == "smtps";
        var portText = (await settings.GetStringAsync("SMTP_Port", ct)).Trim();
        var port = portText.Length == 0 ? (smtps ? 465 : 25)
            : int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536 ? p : -1;
        if (port < 0) return new(false, true, $"SMTP_Port '{portText}' is not a port");
        var security = smtps ? SecureSocketOptions.SslOnConnect
            : await settings.GetBoolAsync("SMTP_IgnoreTLS", ct) ? SecureSocketOptions.None : SecureSocketOptions.StartTlsWhenAvailable;
        var username = await settings.GetStringAsync("SMTP_Username", ct);
        var password = await settings.GetStringAsync("SMTP_Password", ct);

        MimeMessage message;
        try
        {
            message = Compose(mail, from);
        }
        catch (ParseException e)
        {
            return new(false, false, "unusable address: " + e.Message);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(host, port, security, timeout.Token);
            if (username.Length > 0) await client.AuthenticateAsync(username, password, timeout.Token);
            await client.SendAsync(message, timeout.Token);
            await client.DisconnectAsync(true, timeout.Token);
            return new(true, false, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(false, true, $"timeout after {Timeout.TotalSeconds:0} s");
        }
        // A refused recipient or sender is permanent (5xx); everything else (the server down, busy, 4xx) may pass.
        catch (SmtpCommandException e)
        {
            return new(false, (int)e.StatusCode < 500, Scrub($"SMTP {(int)e.StatusCode}: {e.Message}", password));
        }
        catch (Exception e) when (e is SocketException or IOException or SmtpProtocolException or AuthenticationException
            or SslHandshakeException or ServiceNotConnectedException or ServiceNotAuthenticatedException or NotSupportedException)
        {
            return new(false, true, Scrub(e.Message, password));
        }
    }

    static MimeMessage Compose(OutgoingMail mail, MailboxAddress from)
    {
        var message = new MimeMessage { Subject = mail.Subject };
        message.From.Add(mail.FromName is { Length: > 0 } name ? new MailboxAddress(name, from.Address) : from);
        message.To.AddRange(InternetAddressList.Parse(mail.To));
        message.ReplyTo.Add(mail.ReplyTo is { } replyTo ? InternetAddress.Parse(replyTo) : from);
        message.Body = new BodyBuilder { TextBody = mail.Text, HtmlBody = mail.Html }.ToMessageBody();
        return message;
    }

    /// <summary>The address in <c>From_Email</c> (which may be <c>Name &lt;a@b&gt;</c>), or null.</summary>
    static MailboxAddress? FromAddress(string fromEmail) =>
        MailboxAddress.TryParse(fromEmail.Trim(), out var address) && address.Address.Contains('@', StringComparison.Ordinal) ? address : null;

    /// <summary>An error text never carries the password, whatever a server echoes back.</summary>
    static string Scrub(string error, string password) =>
        password.Length == 0 ? error : error.Replace(password, "***", StringComparison.Ordinal);
}
