"""Articles to try the intake with (the intake page's "Fill in the example" link): written for
Fogwatch in the manner of a wire report, about the Panjshir example's events."""

PANJSHIR_2021 = {
    "title": "Taliban say they captured Shattal at the Panjshir entrance; resistance denies any advance",
    "published_at": "2021-09-03",
    "language": "en",
    "source": "rt",
    "text": (
        "The Taliban said on Friday that their fighters had entered Panjshir province and captured eleven "
        "important positions on the main road towards Badakhshan, among them the town of Shattal at the "
        "south-western entrance to the valley. Taliban spokesman Zabihullah Mujahid said the operation "
        "began on Thursday after talks with the local resistance failed.\n\n"
        "The National Resistance Front denied that the Taliban had advanced into the valley and said it "
        'still controls all the passes leading into Panjshir. "They did not advance even a kilometer," '
        "NRF spokesman Fahim Dashti said.\n\n"
        "Both sides claimed to have inflicted heavy losses on the other; the claims could not be "
        "verified independently. Amrullah Saleh, who calls himself the acting president, said the "
        "flags of the Islamic Republic were still flying in Panjshir.\n\n"
        "On 31 August, Reuters reported that at least eight Taliban fighters were killed as they tried "
        "to move on resistance positions."
    ),
}

EXAMPLES = {"panjshir-2021": PANJSHIR_2021}
