using System.Net;
using System.Net.Sockets;
using MimeKit;
using netDumbster.smtp;

namespace Livechat.Server.Tests.Mail;

/// <summary>A real SMTP server (netDumbster) on a free loopback port; the mail it received, parsed by MimeKit.</summary>
public sealed class SmtpListener : IDisposable
{
    SimpleSmtpServer? _server;

    /// <summary>Reserves a port; the server listens there from <see cref="Start"/> on (not yet, to play a server that is down).</summary>
    public SmtpListener(bool start = true)
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        if (start) Start();
    }

    public int Port { get; }

    public void Start() => _server = SimpleSmtpServer.Start(Port);

    public IReadOnlyList<MimeMessage> Received =>
        _server?.ReceivedEmail.Select(m => MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(m.Data)))).ToList() ?? [];

    /// <summary>The first mail to <paramref name="address"/>, waiting up to <paramref name="seconds"/>.</summary>
    public async Task<MimeMessage> NextToAsync(string address, int seconds = 30)
    {
        for (var i = 0; i < seconds * 10; i++)
        {
            if (Received.FirstOrDefault(m => m.To.Mailboxes.Any(b => b.Address == address)) is { } mail) return mail;
            await Task.Delay(100);
        }
        throw new TimeoutException($"no mail to {address} within {seconds} s");
    }

    public void Dispose() => _server?.Dispose();
}
