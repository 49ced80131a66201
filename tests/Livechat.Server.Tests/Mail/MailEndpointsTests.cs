using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Livechat.Server.Data;
using Livechat.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Livechat.Server.Tests.Mail;

/// <summary>
/// E-mail through a real SMTP server (netDumbster): transcripts (the visitor's <c>livechat/transcript</c>, closeByUser's
/// <c>transcriptEmail</c>, an agent's <c>livechat/transcript/:rid</c>), offline messages, the outbox's retries and
/// <c>livechat/mail.deliveries</c>, and <c>SMTP_Password</c> kept secret.
/// </summary>
public abstract class MailEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory, new()
{
    [Fact]
    public async Task AVisitorsTranscriptArrivesWithRecipientSubjectAndEscapedBodies()
    {
        using var smtp = new SmtpListener();
        await UseAsync(smtp);
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var email = Address("vera");
        var visitorSaid = (await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = "<b>hi</b> & more" })).Ok().Json.GetProperty("message");
        var agentSaid = (await agent.Api.PostAsync("chat.sendMessage", new { message = new { rid, msg = "Hello Vera" } })).Ok().Json.GetProperty("message");
        var agentName = agentSaid.GetProperty("u").TryGetProperty("name", out var n) ? n.GetString()! : agent.Username;

        await factory.SetSettingAsync("Livechat_enable_transcript", false);
        var disabled = await factory.Anonymous().PostAsync("livechat/transcript", new { token, rid, email });
        await factory.SetSettingAsync("Livechat_enable_transcript", true);
        var sent = await factory.Anonymous().PostAsync("livechat/transcript", new { token, rid, email });
        var mail = await smtp.NextToAsync(email);

        disabled.Is(400, """{"success":false,"error":"Error sending Livechat transcript"}""");
        sent.Is(200, """{"message":"Livechat transcript sent","success":true}""");
        Assert.Equal([email], mail.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("livechat@example.com", mail.From.Mailboxes.Single().Address);
        Assert.Equal("Transcript of your livechat conversation", mail.Subject);
        Assert.Equal($"You  {Time(visitorSaid)}\n<b>hi</b> & more\n\n{agentName}  {Time(agentSaid)}\nHello Vera\n\n", mail.TextBody!.ReplaceLineEndings("\n"));
        Assert.Equal($"<div> <hr><p><strong>You</strong>  <em>{Time(visitorSaid)}</em></p><p>&lt;b&gt;hi&lt;/b&gt; &amp; more</p>"
            + $"<p><strong>{agentName}</strong>  <em>{Time(agentSaid)}</em></p><p>Hello Vera</p></div>", mail.HtmlBody!.Trim());
        (await factory.Anonymous().PostAsync("livechat/transcript", new { token = "nope", rid, email })).Is(400, """{"success":false,"error":"invalid-token"}""");
        (await factory.Anonymous().PostAsync("livechat/transcript", new { token, rid, email = "not-an-address" })).Is(400, """{"success":false,"error":"invalid-email"}""");
    }

    [Fact]
    public async Task ClosingSendsTheTranscriptTheCloserOrAnAgentAskedFor()
    {
        using var smtp = new SmtpListener();
        await UseAsync(smtp);
        var admin = await factory.AdminAsync();
        var (closedByAgent, _, agent, _) = await factory.CreateServedRoomAsync();
        var (requested, requestedToken, _, _) = await factory.CreateServedRoomAsync();
        var (withdrawn, withdrawnToken, _, _) = await factory.CreateServedRoomAsync();
        var (toVisitor, toRequester, toNobody) = (Address("closer"), Address("requester"), Address("nobody"));

        var closed = await agent.Api.PostAsync("livechat/room.closeByUser", new
        {
            rid = closedByAgent.Str("_id"), comment = "done",
            transcriptEmail = new { sendToVisitor = true, requestData = new { email = toVisitor, subject = "Your chat with us" } },
        });
        var request = await admin.PostAsync($"livechat/transcript/{requested.Str("_id")}", new { email = toRequester, subject = "" });
        var again = await admin.PostAsync($"livechat/transcript/{requested.Str("_id")}", new { email = toRequester, subject = "" });
        var byAgent = await agent.Api.PostAsync($"livechat/transcript/{requested.Str("_id")}", new { email = toRequester, subject = "" });
        (await admin.PostAsync($"livechat/transcript/{withdrawn.Str("_id")}", new { email = toNobody, subject = "x" })).Ok();
        var withdraw = await admin.DeleteAsync($"livechat/transcript/{withdrawn.Str("_id")}");
        var withdrawAgain = await admin.DeleteAsync($"livechat/transcript/{withdrawn.Str("_id")}");
        (await factory.Anonymous().PostAsync("livechat/room.close", new { token = requestedToken, rid = requested.Str("_id") })).Ok();
        (await factory.Anonymous().PostAsync("livechat/room.close", new { token = withdrawnToken, rid = withdrawn.Str("_id") })).Ok();
        var afterClose = await admin.PostAsync($"livechat/transcript/{requested.Str("_id")}", new { email = toRequester, subject = "" });
        var first = await smtp.NextToAsync(toVisitor);
        var second = await smtp.NextToAsync(toRequester);
        await Task.Delay(1500);

        closed.Is(200, """{"success":true}""");
        request.Is(200, """{"success":true}""");
        again.Is(400, """{"success":false,"error":"Transcript already requested [error-transcript-already-requested]","errorType":"error-transcript-already-requested"}""");
        byAgent.Is(403, """{"success":false,"error":"User does not have the permissions required for this action [error-unauthorized]"}""");
        withdraw.Is(200, """{"success":true}""");
        withdrawAgain.Is(400, """{"success":false,"error":"error-transcript-not-requested"}""");
        afterClose.Is(400, """{"success":false,"error":"Invalid room [error-invalid-room]","errorType":"error-invalid-room"}""");
        Assert.Equal("Your chat with us", first.Subject);
        Assert.Equal("Transcript of your livechat conversation", second.Subject);
        Assert.DoesNotContain(smtp.Received, m => m.To.Mailboxes.Any(b => b.Address == toNobody));
        var listed = (await admin.GetAsync($"livechat/mail.deliveries?roomId={withdrawn.Str("_id")}")).Ok().Json;
        Assert.Equal(0, listed.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task HousekeepingRemovesSentMailOnlyAfterTheDeliveryRetention()
    {
        using var smtp = new SmtpListener();
        await UseAsync(smtp);
        var (room, token, _, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var email = Address("kept");
        await factory.SetSettingAsync("Livechat_enable_transcript", true);
        (await factory.Anonymous().PostAsync("livechat/transcript", new { token, rid, email })).Ok();
        await smtp.NextToAsync(email);
        var admin = await factory.AdminAsync();
        async Task<JsonElement> ListedAsync() => (await admin.GetAsync($"livechat/mail.deliveries?roomId={rid}")).Ok().Json;
        for (var i = 0; i < 100 && ListedStatus(await ListedAsync()) != "delivered"; i++) await Task.Delay(50);
        var sentAt = DateTime.UtcNow;

        await factory.WithDbAsync(db => Housekeeping.RunOnceAsync(db, sentAt + Housekeeping.DeliveryRetention - TimeSpan.FromMinutes(5)));
        var kept = await ListedAsync();
        await factory.WithDbAsync(db => Housekeeping.RunOnceAsync(db, sentAt + Housekeeping.DeliveryRetention + TimeSpan.FromMinutes(5)));
        var removed = await ListedAsync();

        Assert.Equal("delivered", ListedStatus(kept));
        Assert.Equal(0, removed.GetProperty("total").GetInt32());

        static string? ListedStatus(JsonElement listed) =>
            listed.GetProperty("deliveries").EnumerateArray().Select(d => d.GetProperty("status").GetString()).FirstOrDefault();
    }

    [Fact]
    public async Task OfflineMessagesGoToTheDepartmentsAddressOrTheOfflineAddress()
    {
        using var smtp = new SmtpListener();
        await UseAsync(smtp);
        var (offline, departmentEmail) = (Address("offline"), Address("sales"));
        var department = await factory.CreateDepartmentAsync(new { email = departmentEmail });
        await factory.SetSettingAsync("Livechat_offline_email", offline);
        try
        {
            (await factory.Anonymous().PostAsync("livechat/offline.message", new { name = "Vera <V>", email = "vera@example.com", message = "Call me back about\nmy order, please" }))
                .Is(200, """{"message":"Livechat offline message sent","success":true}""");
            (await factory.Anonymous().PostAsync("livechat/offline.message", new { name = "Ann", email = "ann@example.com", message = "Hi", department }))
                .Is(200, """{"message":"Livechat offline message sent","success":true}""");
            var general = await smtp.NextToAsync(offline);
            var sales = await smtp.NextToAsync(departmentEmail);

            Assert.Equal("Livechat offline message from Vera <V>: Call me back about m", general.Subject);
            Assert.Equal(("Vera <V> - vera@example.com", "livechat@example.com"), (general.From.Mailboxes.Single().Name, general.From.Mailboxes.Single().Address));
            Assert.Equal("vera@example.com", general.ReplyTo.Mailboxes.Single().Address);
            Assert.Equal("New livechat message\n\nVisitor name: Vera <V>\nVisitor email: vera@example.com\n\nMessage:\nCall me back about\nmy order, please\n",
                general.TextBody!.ReplaceLineEndings("\n"));
            Assert.Equal("<h1>New livechat message</h1><p><strong>Visitor name:</strong> Vera &lt;V&gt;</p><p><strong>Visitor email:</strong> vera@example.com</p>"
                + "<p><strong>Message:</strong><br>Call me back about<br>my order, please</p>", general.HtmlBody!.Trim());
            Assert.Equal("Livechat offline message from Ann: Hi", sales.Subject);
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_offline_email", "");
        }
    }

    [Fact]
    public async Task MailWaitsOutADownServerAndAdminsSeeTheFailureButNeverThePassword()
    {
        using var smtp = new SmtpListener(start: false);
        await UseAsync(smtp);
        const string Password = "pw-very-s3cret-value";
        await factory.SetSettingAsync("SMTP_Username", "mailer");
        await factory.SetSettingAsync("SMTP_Password", Password);
        var admin = await factory.AdminAsync();
        var agent = await factory.CreateAgentAsync();
        var to = Address("retry");
        await factory.SetSettingAsync("Livechat_offline_email", to);
        try
        {
            (await factory.Anonymous().PostAsync("livechat/offline.message", new { name = "Vera", email = "vera@example.com", message = "Anyone?" })).Ok();
            var failing = await WaitForRowAsync(admin, to, row => row.GetProperty("attempts").GetInt32() >= 1);
            var secret = await admin.GetAsync("settings/SMTP_Password");
            var forAgent = await agent.Api.GetAsync("livechat/mail.deliveries");
            var listing = (await admin.GetAsync("livechat/mail.deliveries?status=pending")).Ok().Body;

            Assert.Equal("pending", failing.Str("status"));
            Assert.Equal("offline-message", failing.Str("kind"));
            Assert.False(string.IsNullOrEmpty(failing.Str("lastError")));
            Assert.True(failing.TryGetProperty("nextAttemptAt", out _));
            secret.Is(200, """{"_id":"SMTP_Password","value":"********","success":true}""");
            forAgent.Is(403, TestData.Forbidden);
            Assert.DoesNotContain(Password, listing, StringComparison.Ordinal);
            (await admin.PostAsync("settings/SMTP_Password", new { value = "********" })).Ok();

            // The server comes up (without authentication, which netDumbster lacks): the next retry sends the mail.
            await factory.SetSettingAsync("SMTP_Username", "");
            smtp.Start();
            var mail = await smtp.NextToAsync(to, 40);
            var sent = await WaitForRowAsync(admin, to, row => row.Str("status") == "delivered");

            Assert.Equal("Livechat offline message from Vera: Anyone?", mail.Subject);
            Assert.True(sent.GetProperty("attempts").GetInt32() >= 2);
            Assert.True(sent.TryGetProperty("sentAt", out _));
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_offline_email", "");
            await factory.SetSettingAsync("SMTP_Username", "");
            await factory.SetSettingAsync("SMTP_Password", "");
        }
    }

    [Fact]
    public async Task PendingMailSurvivesARestartAndNoLogLineHoldsThePassword()
    {
        using var smtp = new SmtpListener(start: false);
        using var database = new TFactory();
        var logs = new CapturedLogs();
        const string Password = "restart-pw-s3cret";
        var to = Address("restart");
        var before = new LoggingPeerFactory(database, logs);
        try
        {
            await before.SetSettingAsync("SMTP_Host", "127.0.0.1");
            await before.SetSettingAsync("SMTP_Port", smtp.Port.ToString(CultureInfo.InvariantCulture));
            await before.SetSettingAsync("From_Email", "livechat@example.com");
            await before.SetSettingAsync("SMTP_Password", Password);
            await before.SetSettingAsync("Livechat_offline_email", to);
            (await before.Anonymous().PostAsync("livechat/offline.message", new { name = "Vera", email = "vera@example.com", message = "Still there?" })).Ok();
            await WaitForRowAsync(await before.AdminAsync(), to, row => row.GetProperty("attempts").GetInt32() >= 1);
        }
        finally
        {
            before.Dispose();
        }

        smtp.Start();
        using var after = new LoggingPeerFactory(database, logs);
        _ = after.Services;   // the restarted server's worker finds the pending row
        var mail = await smtp.NextToAsync(to, 40);

        Assert.Equal("Livechat offline message from Vera: Still there?", mail.Subject);
        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain(logs.Lines, line => line.Contains(Password, StringComparison.Ordinal));
    }

    static async Task<JsonElement> WaitForRowAsync(ApiClient admin, string to, Func<JsonElement, bool> condition)
    {
        for (var i = 0; i < 400; i++)
        {
            var rows = (await admin.GetAsync("livechat/mail.deliveries?count=100")).Ok().Json.GetProperty("deliveries");
            if (rows.EnumerateArray().FirstOrDefault(r => r.Str("to") == to) is { ValueKind: JsonValueKind.Object } row && condition(row)) return row;
            await Task.Delay(100);
        }
        throw new TimeoutException($"no matching delivery to {to}");
    }

    async Task UseAsync(SmtpListener smtp)
    {
        await factory.SetSettingAsync("SMTP_Host", "127.0.0.1");
        await factory.SetSettingAsync("SMTP_Port", smtp.Port.ToString(CultureInfo.InvariantCulture));
        await factory.SetSettingAsync("From_Email", "Livechat <livechat@example.com>");
    }

    static string Address(string who) => $"{TestUsers.Unique(who)}@example.com";

    /// <summary>A message's time as the transcript writes it (UTC, moment's <c>LLL</c>).</summary>
    static string Time(JsonElement message) =>
        DateTime.Parse(message.Str("ts"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind).ToUniversalTime()
            .ToString("MMMM d, yyyy h:mm tt", CultureInfo.InvariantCulture);
}

/// <summary>A server on another factory's database (a restart), every log line at every level kept in <see cref="CapturedLogs"/>.</summary>
sealed class LoggingPeerFactory(LivechatServerFactory owner, CapturedLogs logs) : LivechatServerFactory
{
    public override string Provider => owner.Provider;

    protected override string ConnectionString => owner.DatabaseConnectionString;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Logging:LogLevel:Default", "Trace");
        builder.ConfigureLogging(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
    }
}

sealed class CapturedLogs : ILoggerProvider, ILogger
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue(formatter(state, exception) + " " + exception);

    public void Dispose()
    {
    }
}

public sealed class MailEndpointsSqliteTests(SqliteServerFactory factory) : MailEndpointsTests<SqliteServerFactory>(factory);

public sealed class MailEndpointsPostgresTests(PostgresServerFactory factory) : MailEndpointsTests<PostgresServerFactory>(factory);
