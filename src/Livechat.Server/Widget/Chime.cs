namespace Livechat.Server.Widget;

/// <summary>
/// The sound the widget plays for a new message. <c>livechat/config</c> names it <c>resources.sound</c>
/// (<c>/sounds/chime.mp3</c>, Rocket.Chat's path); this server synthesises it instead of shipping Rocket.Chat's asset:
/// a 0.35 s two-tone bell (E6 fading into A5) as 16-bit mono PCM WAV at 22 050 Hz, made once. Browsers go by the bytes,
/// not the name, so the <c>.mp3</c> path plays it (docs/compatibility.md).
/// </summary>
static class Chime
{
    const int SampleRate = 22050;
    const double Seconds = 0.35;

    public static readonly byte[] Wav = Synthesize();

    static byte[] Synthesize()
    {
        var samples = (int)(SampleRate * Seconds);
        using var stream = new MemoryStream(44 + samples * 2);
        using var writer = new BinaryWriter(stream);
        writer.Write("RIFF"u8);
        writer.Write(36 + samples * 2);
        writer.Write("WAVEfmt "u8);
        writer.Write(16);                  // fmt chunk size
        writer.Write((short)1);            // PCM
        writer.Write((short)1);            // mono
        writer.Write(SampleRate);
        writer.Write(SampleRate * 2);      // bytes per second
        writer.Write((short)2);            // block align
        writer.Write((short)16);           // bits per sample
        writer.Write("data"u8);
        writer.Write(samples * 2);
        for (var i = 0; i < samples; i++)
        {
            var t = (double)i / SampleRate;
            var attack = Math.Min(1.0, t / 0.005);
            var tone = 0.6 * Math.Sin(2 * Math.PI * 1318.5 * t) * Math.Exp(-t * 12) + 0.4 * Math.Sin(2 * Math.PI * 880 * t) * Math.Exp(-t * 7);
            writer.Write((short)(short.MaxValue * 0.5 * attack * tone));
        }
        writer.Flush();
        return stream.ToArray();
    }
}
