import { and, eq, isNotNull } from 'drizzle-orm'
import {
  addActionPoint,
  addAmendment,
  addOutOfSchoolItem,
  agendaOf,
  balPanchayatOn,
  closeMeeting,
  meetingQuorum,
  recordAttendance,
  recordGuests,
  postponeMeeting,
  saveMinutes,
  scheduleMeeting,
  startMeeting,
  type BalPanchayatMember,
} from '../meetings/meetings.ts'
import { recordResolution } from '../resolutions/resolutions.ts'
import {
  actionPointSchema,
  amendmentSchema,
  guestsSchema,
  minutesSchema,
  postponeSchema,
  scheduleSchema,
} from '../meetings/schemas.ts'
import { resolutionSchema } from '../resolutions/schemas.ts'
import {
  actionPoints,
  agendaItems,
  amendments,
  attendance,
  meetingEvents,
  meetings,
  minutes,
} from '../meetings/tables.ts'
import { resolutions, type Category } from '../resolutions/tables.ts'
import type { StaffCtx } from '../core/actor.ts'
import { translator } from '../i18n/translator.ts'

type Item = {
  title: string
  discussion: string
  decisions: string
  actions?: { what: string; who: string; inDays: number }[]
}
/** The demo's resolutions, by a short name, so the Gram Panchayat's answers can be seeded to each (see resolutions.ts). */
export type DemoResolutionKey =
  | 'toilet'
  | 'marriage'
  | 'playground'
  | 'liquor'
  | 'streetLight'
  | 'kiln'
  | 'handpump'
  | 'teacher'
  | 'ramp'
export type DemoMeetings = {
  meetingIds: number[]
  resolutionIds: Record<DemoResolutionKey, number>
  /** The last held meeting's item "children not in school", where the members spoke of the open cases (cases.ts). */
  outOfSchoolItemId: number
}

type Vote = {
  key: DemoResolutionKey
  item: number
  title: string
  problem: string
  request: string
  addressedTo: string
  category: Category
  proposer: BalPanchayatMember
  seconder: BalPanchayatMember
  votes: [number, number, number]
}
type PastMeeting = {
  date: string
  time: string
  place: string
  items: Item[]
  present: BalPanchayatMember[]
  quorum: boolean
  guests: { otherChildren: number; adults: number; guests: string }
  resolutions: Vote[]
  amendment?: { item: number; text: string; date: string; time: string }
  /** The item "children not in school", last on the agenda, with its minutes (never a child's name: they are printed). */
  outOfSchool?: { discussion: string; decisions: string }
}

/** The item's title in the village's words, as the meeting's page adds it. */
const outOfSchoolTitle = () => translator('hi')('agenda.outOfSchoolTitle')

const SARPANCH = 'सरपंच, ग्राम पंचायत सोठाना'

/**
 * The demo Bal Panchayat's meetings: three held (the second without its quorum, because too few
 * girls came) with minutes, action points and resolutions (eight passed, one failed), and the next
 * one scheduled — which must exist before the Gram Panchayat's answers are seeded, so they land on its agenda.
 */
export function seedDemoMeetings(ctx: StaffCtx, villageId: number, today: string): DemoMeetings {
  const roll = balPanchayatOn(ctx.db, villageId, today)
  const pradhan = roll.find((m) => m.seatTitle === 'प्रधान') ?? roll[0]
  const upPradhan = roll.find((m) => m.seatTitle === 'उप-प्रधान') ?? roll[1]
  const girls = [upPradhan, ...roll.filter((m) => m.gender === 'girl' && m !== upPradhan)]
  const boys = [pradhan, ...roll.filter((m) => m.gender !== 'girl' && m !== pradhan)]
  const n = (m: BalPanchayatMember) => m.name.split(' ')[0]
  const facilitator = `${ctx.actor.displayName} (सहजकर्ता)`
  const dates = [shiftDays(today, -25), shiftDays(today, -15), shiftDays(today, -5)]

  const first: PastMeeting = {
    date: dates[0],
    time: '16:00',
    place: 'राजकीय प्राथमिक विद्यालय, पापड़ी — बरामदा',
    quorum: true,
    present: [...girls.slice(0, 5), ...boys.slice(0, 4)],
    guests: { otherChildren: 6, adults: 2, guests: 'प्रधानाध्यापक श्री गिर्राज शर्मा; आंगनबाड़ी कार्यकर्ता श्रीमती कमला देवी' },
    items: [
      {
        title: 'प्राथमिक विद्यालय में लड़कियों के लिए अलग शौचालय',
        discussion: `${n(girls[1])} ने बताया कि राजकीय प्राथमिक विद्यालय में सभी बच्चों के लिए एक ही शौचालय है; उसका दरवाज़ा टूटा है और उसमें पानी नहीं आता। बड़ी कक्षाओं की लड़कियाँ दिन भर पानी कम पीती हैं ताकि शौचालय न जाना पड़े, और दो लड़कियों ने इसी कारण स्कूल आना छोड़ दिया है। ${n(boys[1])} ने कहा कि लड़कों को भी परेशानी है, पर लड़कियों के लिए अलग शौचालय सबसे ज़रूरी है। प्रधानाध्यापक जी ने बताया कि विद्यालय के पास इसके लिए पैसा नहीं है।`,
        decisions:
          'लड़कियों के लिए पानी की व्यवस्था वाले अलग शौचालय का प्रस्ताव ग्राम पंचायत को भेजा जाएगा। तब तक प्रधानाध्यापक जी से मौजूदा शौचालय का दरवाज़ा ठीक करवाने का अनुरोध किया जाएगा।',
        actions: [
          {
            what: 'प्रधानाध्यापक जी से मिलकर शौचालय का टूटा दरवाज़ा ठीक करवाने का अनुरोध करना',
            who: `${n(upPradhan)} (उप-प्रधान) और ${n(girls[1])}`,
            inDays: 7,
          },
        ],
      },
      {
        title: 'वार्ड 5 की 14 साल की लड़की की तय की गई शादी',
        discussion:
          'वार्ड 5 की एक 14 साल की लड़की, जो कक्षा 8 में पढ़ती है, की शादी अगले महीने तय कर दी गई है। उसकी सहेलियों ने बताया कि वह आगे पढ़ना चाहती है और शादी नहीं करना चाहती। सदस्यों ने बात की कि 18 साल से पहले लड़की की शादी क़ानून के विरुद्ध है और इससे उसकी पढ़ाई और सेहत दोनों को नुकसान होगा। लड़की की पहचान छिपाने के लिए उसका नाम कार्यवाही में नहीं लिखा गया।',
        decisions:
          'शादी रुकवाने का प्रस्ताव सर्वसम्मति से पारित। आंगनबाड़ी कार्यकर्ता और सुविधादाता परिवार से बात करेंगी; ज़रूरत हुई तो चाइल्डलाइन 1098 पर सूचना दी जाएगी।',
        actions: [
          {
            what: 'आंगनबाड़ी कार्यकर्ता के साथ लड़की के परिवार से मिलकर बात करना',
            who: `${facilitator} और ${n(upPradhan)} (उप-प्रधान)`,
            inDays: 3,
          },
          { what: 'परिवार न माने तो चाइल्डलाइन 1098 और बाल विवाह निषेध अधिकारी को सूचना देना', who: facilitator, inDays: 5 },
        ],
      },
      {
        title: 'बच्चों के खेलने की जगह',
        discussion: `${n(boys[1])} ने गोचर भूमि के एक हिस्से को खेल का मैदान बनाने की बात रखी, क्योंकि स्कूल का आँगन छोटा है और बच्चे सड़क पर खेलते हैं। ${n(girls[3])} और कई सदस्यों ने कहा कि गोचर भूमि पशुओं के चरने के लिए है, वहाँ मैदान बनाने पर गाँव में झगड़ा होगा; स्कूल के पीछे की खाली ज़मीन बेहतर रहेगी।`,
        decisions:
          'गोचर भूमि पर मैदान का प्रस्ताव पारित नहीं हुआ। स्कूल के पीछे की खाली ज़मीन की जानकारी लेकर आगे की बैठक में फिर बात होगी।',
        actions: [
          {
            what: 'पटवारी जी से पता करना कि स्कूल के पीछे की खाली ज़मीन किसके नाम है',
            who: `${n(pradhan)} (प्रधान)`,
            inDays: 20,
          },
        ],
      },
      {
        title: 'विद्यालय के रास्ते पर शराब की दुकान',
        discussion: `${n(girls[4])} ने बताया कि उच्च माध्यमिक विद्यालय जाने वाले रास्ते पर, बस स्टैंड के पास, नई शराब की दुकान खुल गई है। शाम को वहाँ नशे में लोग बैठे रहते हैं और स्कूल से लौटती लड़कियों पर फब्तियाँ कसते हैं, इसलिए कई लड़कियाँ अब खेतों के लंबे रास्ते से जाती हैं। ${n(boys[2])} ने कहा कि दुकान पर बैठे लोग बच्चों से बीड़ी और नमकीन मँगवाते हैं। प्रधानाध्यापक जी ने कहा कि बच्चों के रास्ते में शराब की दुकान नहीं होनी चाहिए।`,
        decisions: 'शराब की दुकान को विद्यालय के रास्ते से हटवाने का प्रस्ताव पारित। तब तक लड़कियाँ समूह में स्कूल आएँ-जाएँगी।',
        actions: [
          {
            what: 'एक ही रास्ते से स्कूल जाने वाली लड़कियों के समूह बनाना, ताकि कोई अकेली न जाए',
            who: `${n(girls[3])} और ${n(girls[4])}`,
            inDays: 5,
          },
        ],
      },
      {
        title: 'लड़कियों के रास्ते पर अँधेरा — स्ट्रीट लाइट',
        discussion: `${n(girls[2])} ने बताया कि बस स्टैंड से वार्ड 2 की ढाणी तक के रास्ते के दोनों खंभों की लाइटें कई महीनों से बंद हैं। इसी रास्ते से बड़ी कक्षाओं की लड़कियाँ शाम को सिलाई केंद्र और कोचिंग से लौटती हैं, और शाम ढलते ही वहाँ पूरा अँधेरा हो जाता है। डर के कारण कुछ अभिभावकों ने लड़कियों का शाम को सिलाई केंद्र जाना बंद करवा दिया है।`,
        decisions: 'बंद लाइटें ठीक करवाने और रास्ते के मोड़ पर नई लाइट लगवाने का प्रस्ताव सर्वसम्मति से पारित।',
      },
    ],
    resolutions: [
      {
        key: 'toilet',
        item: 0,
        category: 'sanitation',
        title: 'प्राथमिक विद्यालय में लड़कियों के लिए अलग शौचालय',
        problem:
          'राजकीय प्राथमिक विद्यालय, पापड़ी में सभी बच्चों के लिए एक ही शौचालय है; उसका दरवाज़ा टूटा है और उसमें पानी नहीं है। लड़कियाँ दिन भर शौचालय नहीं जा पातीं और दो बड़ी लड़कियों ने इसी कारण स्कूल आना छोड़ दिया है।',
        request:
          'विद्यालय में लड़कियों के लिए दरवाज़े और पानी की व्यवस्था वाला अलग शौचालय स्वच्छ भारत मिशन (ग्रामीण) के तहत बनवाया जाए, और तब तक मौजूदा शौचालय का दरवाज़ा ठीक करवाया जाए।',
        addressedTo: SARPANCH,
        proposer: girls[1],
        seconder: girls[2],
        votes: [8, 0, 1],
      },
      {
        key: 'marriage',
        item: 1,
        category: 'child_marriage',
        title: 'वार्ड 5 की 14 वर्षीय बालिका का विवाह रुकवाना',
        problem:
          'वार्ड 5 की एक 14 वर्ष की बालिका, जो कक्षा 8 में पढ़ती है, का विवाह अगले महीने तय कर दिया गया है। वह आगे पढ़ना चाहती है। 18 वर्ष से कम आयु की बालिका का विवाह क़ानून के विरुद्ध है।',
        request:
          'ग्राम पंचायत बालिका के परिवार से बात करके यह विवाह रुकवाए, बाल विवाह निषेध अधिकारी को सूचना दे, और बालिका की पढ़ाई जारी रखने में मदद करे।',
        addressedTo: `${SARPANCH} (प्रतिलिपि: बाल विवाह निषेध अधिकारी, विराटनगर)`,
        proposer: upPradhan,
        seconder: girls[3],
        votes: [9, 0, 0],
      },
      {
        key: 'playground',
        item: 2,
        category: 'play',
        title: 'गोचर भूमि के एक हिस्से पर बच्चों के लिए खेल का मैदान',
        problem:
          'गाँव में बच्चों के खेलने की कोई जगह नहीं है; स्कूल का आँगन छोटा है और बच्चे सड़क पर खेलते हैं, जहाँ ट्रैक्टर और मोटरसाइकिलें चलती हैं।',
        request: 'गोचर भूमि का एक हिस्सा बच्चों के खेल के मैदान के लिए दिया जाए और वहाँ समतल करके बाड़ लगाई जाए।',
        addressedTo: SARPANCH,
        proposer: boys[1],
        seconder: boys[2],
        votes: [3, 5, 1],
      },
      {
        key: 'liquor',
        item: 3,
        category: 'safety',
        title: 'विद्यालय के रास्ते से शराब की दुकान हटवाना',
        problem:
          'राजकीय उच्च माध्यमिक विद्यालय, पापड़ी के रास्ते पर, बस स्टैंड के पास, नई शराब की दुकान खुली है। वहाँ नशे में बैठे लोग स्कूल से लौटती लड़कियों पर फब्तियाँ कसते हैं और बच्चों से सामान मँगवाते हैं; कई लड़कियाँ डर के कारण खेतों के लंबे रास्ते से स्कूल जाती हैं।',
        request:
          'ग्राम पंचायत शराब की दुकान को विद्यालय के रास्ते और बस स्टैंड से दूर हटवाए, और तब तक दुकान पर बच्चों को बुलाने और उनसे सामान मँगवाने पर रोक लगवाए।',
        addressedTo: `${SARPANCH} (प्रतिलिपि: ज़िला आबकारी अधिकारी, जयपुर)`,
        proposer: girls[4],
        seconder: boys[2],
        votes: [7, 1, 1],
      },
      {
        key: 'streetLight',
        item: 4,
        category: 'safety',
        title: 'बस स्टैंड से वार्ड 2 की ढाणी के रास्ते पर स्ट्रीट लाइट',
        problem:
          'बस स्टैंड से वार्ड 2 की ढाणी तक के रास्ते के दोनों खंभों की लाइटें कई महीनों से बंद हैं। इस रास्ते से लड़कियाँ शाम को सिलाई केंद्र और कोचिंग से लौटती हैं; अँधेरे के डर से कई अभिभावकों ने उनका शाम को जाना बंद करवा दिया है।',
        request: 'बंद पड़ी दोनों स्ट्रीट लाइटें ठीक करवाई जाएँ और रास्ते के मोड़ पर एक नई स्ट्रीट लाइट लगवाई जाए।',
        addressedTo: SARPANCH,
        proposer: girls[2],
        seconder: boys[1],
        votes: [9, 0, 0],
      },
    ],
  }

  const secondPresent = [...girls.slice(0, 2), ...boys.slice(0, 5)]
  const second: PastMeeting = {
    date: dates[1],
    time: '16:00',
    place: 'पंचायत भवन, पापड़ी',
    quorum: false,
    present: secondPresent,
    guests: { otherChildren: 3, adults: 0, guests: '' },
    items: [
      {
        title: 'पिछली बैठक के निर्णयों पर क्या हुआ',
        discussion: `${n(upPradhan)} ने बताया कि प्रधानाध्यापक जी ने शौचालय का दरवाज़ा ठीक करवाने का आश्वासन दिया है, पर अभी काम नहीं हुआ। आंगनबाड़ी कार्यकर्ता और सुविधादाता वार्ड 5 की लड़की के परिवार से मिले; परिवार ने कहा है कि वे सोचकर बताएँगे। सुविधादाता ने बताया कि पिछली बैठक के चारों पारित प्रस्ताव ग्राम पंचायत को भेज दिए गए हैं; स्ट्रीट लाइट वाले प्रस्ताव की अभी पावती तक नहीं आई है।`,
        decisions: 'दरवाज़े के बारे में अगले सप्ताह फिर प्रधानाध्यापक जी से मिलेंगे।',
      },
      {
        title: 'ईंट भट्ठे पर काम करने वाले बच्चे',
        discussion: `${n(boys[3])} ने बताया कि गाँव के बाहर के ईंट भट्ठे पर 6–7 बच्चे अपने माता-पिता के साथ रोज़ ईंटें पाथते और ढोते हैं और स्कूल नहीं जाते। सदस्य इस पर प्रस्ताव लाना चाहते थे।`,
        decisions:
          'कोरम पूरा न होने के कारण प्रस्ताव नहीं लिया गया। बच्चों के नाम, उम्र और कक्षा की सूची बनाकर अगली बैठक में प्रस्ताव रखा जाएगा।',
        actions: [
          {
            what: 'ईंट भट्ठे पर काम करने वाले बच्चों के नाम, उम्र और कक्षा की सूची बनाना',
            who: `${n(boys[3])} और ${n(boys[1])}`,
            inDays: 7,
          },
        ],
      },
      {
        title: 'वार्ड 3 का ख़राब हैंडपंप',
        discussion:
          'वार्ड 3 का हैंडपंप दो हफ़्ते से ख़राब है। बच्चे और महिलाएँ तालाब या दूर के कुएँ से पानी लाते हैं, जिससे लड़कियों को स्कूल जाने में देर होती है।',
        decisions: 'कोरम पूरा न होने के कारण यह विषय अगली बैठक में रखा जाएगा।',
      },
      {
        title: 'बैठक में लड़कियों की उपस्थिति',
        discussion: `इस बैठक में ${girls.length} में से केवल ${secondPresent.filter((m) => m.gender === 'girl').length} लड़कियाँ आईं, इसलिए कोरम पूरा नहीं हुआ (उपस्थित सदस्यों में कम से कम एक-तिहाई लड़कियाँ होनी चाहिए)। पता चला कि कई लड़कियाँ शाम को पानी भरने और घर के काम के कारण नहीं आ पातीं।`,
        decisions: 'अगली बैठक सुबह 11 बजे आंगनबाड़ी केंद्र में रखी जाएगी, ताकि लड़कियाँ आ सकें।',
        actions: [
          {
            what: 'लड़कियों के घर जाकर अगली बैठक की सूचना देना और अभिभावकों से बात करना',
            who: `${n(upPradhan)} (उप-प्रधान) और ${facilitator}`,
            inDays: 8,
          },
        ],
      },
    ],
    resolutions: [],
  }

  const third: PastMeeting = {
    date: dates[2],
    time: '11:00',
    place: 'आंगनबाड़ी केंद्र, वार्ड 3, पापड़ी',
    quorum: true,
    present: [...girls, ...boys.slice(0, 4)],
    guests: {
      otherChildren: 9,
      adults: 3,
      guests: 'आंगनबाड़ी कार्यकर्ता श्रीमती कमला देवी; वार्ड पंच श्री हरिराम बैरवा (वार्ड 3)',
    },
    items: [
      {
        title: 'ईंट भट्ठे पर काम करने वाले बच्चे',
        discussion: `${n(boys[3])} ने सूची पढ़ी: ईंट भट्ठे पर 8 से 13 साल के 6 बच्चे रोज़ काम करते हैं, जिनमें 2 लड़कियाँ हैं। इनमें से 4 का नाम स्कूल में लिखा है, पर वे दो महीने से नहीं आए। ${n(girls[4])} ने कहा कि भट्ठे पर धूल और गर्मी में काम करने से बच्चे बीमार पड़ते हैं। वार्ड पंच जी ने बताया कि परिवार कर्ज़ के कारण बच्चों को काम पर ले जाते हैं।`,
        decisions:
          'बच्चों को भट्ठे से हटाकर स्कूल वापस लाने का प्रस्ताव पारित। सुविधादाता प्रधानाध्यापक जी से इन बच्चों के नामांकन की बात करेंगी।',
        actions: [
          {
            what: 'प्रधानाध्यापक जी को बच्चों की सूची देकर उनका नाम फिर से स्कूल में लिखवाना',
            who: `${facilitator} और ${n(boys[3])}`,
            inDays: 10,
          },
          {
            what: 'भट्ठे पर काम करने वाले परिवारों से मिलकर बच्चों को स्कूल भेजने की बात करना',
            who: `${n(pradhan)} (प्रधान), ${n(girls[4])} और वार्ड पंच श्री हरिराम बैरवा`,
            inDays: 14,
          },
        ],
      },
      {
        title: 'वार्ड 3 का ख़राब हैंडपंप',
        discussion: `${n(pradhan)} ने बताया कि हैंडपंप अब तीन हफ़्ते से ख़राब है। तालाब का पानी पीने से वार्ड के दो छोटे बच्चों को दस्त हो गए। आंगनबाड़ी कार्यकर्ता ने कहा कि जब तक हैंडपंप ठीक न हो, पानी उबालकर पीना चाहिए।`,
        decisions:
          'हैंडपंप ठीक करवाने और तब तक टैंकर से पानी पहुँचाने का प्रस्ताव सर्वसम्मति से पारित। सदस्य घर-घर जाकर पानी उबालकर पीने की बात बताएँगे।',
        actions: [
          {
            what: 'जन स्वास्थ्य अभियांत्रिकी विभाग (PHED) के हैंडपंप मिस्त्री से शिकायत दर्ज करवाना',
            who: `${n(pradhan)} (प्रधान) और ${facilitator}`,
            inDays: 3,
          },
          { what: 'वार्ड 3 के घरों में पानी उबालकर पीने के बारे में बताना', who: `${n(girls[5])} और ${n(girls[2])}`, inDays: 7 },
        ],
      },
      {
        title: 'प्राथमिक विद्यालय में अध्यापक का न आना',
        discussion: `${n(girls[1])} ने बताया कि राजकीय प्राथमिक विद्यालय, पापड़ी में कक्षा 3 से 5 के अध्यापक पिछले एक महीने में गिने-चुने दिन ही आए हैं। सारी कक्षाएँ एक ही अध्यापिका के भरोसे हैं, जो पाँचों कक्षाओं को एक साथ बैठाती हैं। ${n(boys[2])} ने कहा कि उसका छोटा भाई कहता है कि स्कूल में पढ़ाई नहीं होती, इसलिए वह अब स्कूल नहीं जाना चाहता। वार्ड पंच जी ने कहा कि यह बात शिक्षा विभाग तक पहुँचनी चाहिए।`,
        decisions:
          'अध्यापक की नियमित उपस्थिति सुनिश्चित करवाने का प्रस्ताव पारित। सदस्य दो सप्ताह तक रोज़ लिखेंगे कि अध्यापक आए या नहीं।',
        actions: [
          {
            what: 'दो सप्ताह तक रोज़ लिखना कि कक्षा 3–5 के अध्यापक विद्यालय आए या नहीं',
            who: `${n(girls[1])} और ${n(boys[2])}`,
            inDays: 14,
          },
        ],
      },
      {
        title: 'विद्यालय में व्हीलचेयर के लिए रैंप',
        discussion: `${n(girls[3])} ने बताया कि वार्ड 4 की 10 साल की एक लड़की, जो पैरों से चल नहीं पाती, राजकीय प्राथमिक विद्यालय में कक्षा 4 में पढ़ती है। विद्यालय के बरामदे तक तीन सीढ़ियाँ हैं और शौचालय तक भी सीढ़ी है, इसलिए उसकी माँ उसे रोज़ गोद में उठाकर कक्षा तक पहुँचाती हैं; जिस दिन माँ मज़दूरी पर जाती हैं, वह स्कूल नहीं आ पाती। सदस्यों ने कहा कि हर बच्चे को स्कूल आने का हक़ है। लड़की की पहचान छिपाने के लिए उसका नाम कार्यवाही में नहीं लिखा गया।`,
        decisions:
          'विद्यालय के मुख्य द्वार, बरामदे और शौचालय तक रैंप बनवाने का प्रस्ताव सर्वसम्मति से पारित। सुविधादाता प्रस्ताव का पत्र तैयार करेंगी।',
        actions: [{ what: 'रैंप के प्रस्ताव का पत्र तैयार करके ग्राम पंचायत को भेजना', who: facilitator, inDays: 10 }],
      },
      {
        title: 'बैठक का समय — लड़कियों की उपस्थिति',
        discussion: `बैठक सुबह रखने से सभी ${girls.length} लड़कियाँ आईं। सदस्यों ने कहा कि बैठकें आगे भी ऐसे समय रखी जाएँ जब लड़कियाँ आ सकें।`,
        decisions: 'बाल पंचायत की बैठकें आगे से सुबह 11 बजे होंगी।',
      },
    ],
    resolutions: [
      {
        key: 'kiln',
        item: 0,
        category: 'child_labour',
        title: 'ईंट भट्ठे पर काम करने वाले बच्चों को स्कूल वापस लाना',
        problem:
          'गाँव के बाहर के ईंट भट्ठे पर 8 से 13 साल के 6 बच्चे (2 लड़कियाँ) अपने माता-पिता के साथ रोज़ ईंटें पाथते और ढोते हैं और स्कूल नहीं जाते। 14 साल से कम उम्र के बच्चों से काम करवाना क़ानून के विरुद्ध है।',
        request:
          'ग्राम पंचायत भट्ठा मालिक से बात करके बच्चों का काम बंद करवाए, श्रम विभाग को सूचना दे, और इन बच्चों का विद्यालय में फिर से नामांकन और मिड-डे मील सुनिश्चित करवाए।',
        addressedTo: SARPANCH,
        proposer: boys[3],
        seconder: girls[4],
        votes: [9, 0, 1],
      },
      {
        key: 'handpump',
        item: 1,
        category: 'health',
        title: 'वार्ड 3 का ख़राब हैंडपंप ठीक करवाना',
        problem:
          'वार्ड 3 का हैंडपंप तीन हफ़्ते से ख़राब है। बच्चे और महिलाएँ तालाब और दूर के कुएँ से पानी लाते हैं; तालाब का पानी पीने से वार्ड के दो बच्चों को दस्त हो गए।',
        request: 'हैंडपंप एक सप्ताह में ठीक करवाया जाए, और जब तक ठीक न हो, वार्ड 3 में टैंकर से पीने का पानी पहुँचाया जाए।',
        addressedTo: `${SARPANCH} (प्रतिलिपि: कनिष्ठ अभियंता, जन स्वास्थ्य अभियांत्रिकी विभाग)`,
        proposer: pradhan,
        seconder: girls[5],
        votes: [10, 0, 0],
      },
      {
        key: 'teacher',
        item: 2,
        category: 'education',
        title: 'प्राथमिक विद्यालय में कक्षा 3–5 के अध्यापक की नियमित उपस्थिति',
        problem:
          'राजकीय प्राथमिक विद्यालय, पापड़ी में कक्षा 3 से 5 के अध्यापक पिछले एक महीने में गिने-चुने दिन ही आए हैं। पाँचों कक्षाएँ एक ही अध्यापिका के भरोसे हैं; पढ़ाई न होने से छोटे बच्चे स्कूल आना छोड़ने लगे हैं।',
        request:
          'ग्राम पंचायत शिक्षा विभाग से अध्यापक की नियमित उपस्थिति सुनिश्चित करवाए, और जब तक ऐसा न हो, विद्यालय में दूसरे अध्यापक की व्यवस्था करवाए।',
        addressedTo: SARPANCH,
        proposer: girls[1],
        seconder: boys[2],
        votes: [10, 0, 0],
      },
      {
        key: 'ramp',
        item: 3,
        category: 'education',
        title: 'प्राथमिक विद्यालय में व्हीलचेयर के लिए रैंप',
        problem:
          'राजकीय प्राथमिक विद्यालय, पापड़ी के बरामदे और शौचालय तक केवल सीढ़ियाँ हैं। कक्षा 4 की एक बालिका, जो चल नहीं पाती, तभी कक्षा तक पहुँच पाती है जब उसकी माँ उसे गोद में उठाकर ले जाएँ; जिस दिन माँ मज़दूरी पर जाती हैं, वह स्कूल नहीं आ पाती।',
        request:
          'विद्यालय के मुख्य द्वार, बरामदे और शौचालय तक रेलिंग वाला रैंप बनवाया जाए, ताकि व्हीलचेयर वाले बच्चे बिना किसी की मदद के कक्षा और शौचालय तक पहुँच सकें।',
        addressedTo: SARPANCH,
        proposer: girls[3],
        seconder: pradhan,
        votes: [9, 0, 1],
      },
    ],
    amendment: {
      item: 0,
      date: shiftDays(today, -3),
      time: '10:30',
      text: 'मद 1 के कार्यवाही विवरण में भट्ठे पर काम करने वाले बच्चों की संख्या 6 लिखी गई है; सूची दोबारा जाँचने पर यह 7 है — 9 साल का एक लड़का सूची में छूट गया था।',
    },
    outOfSchool: {
      discussion:
        'सुविधादाता ने उन बच्चों के पहले नाम पढ़े जिनका स्कूल छूटा है। सदस्यों ने बताया कि वे इनके बारे में क्या जानते हैं; जो बताया, वह हर बच्चे के मामले में लिखा गया।',
      decisions: 'सदस्य अपने-अपने वार्ड में इन बच्चों के घर जाकर उनसे मिलते रहेंगे।',
    },
  }

  const held = [first, second, third].map((m) => holdPast(ctx, villageId, m))

  // The next meeting was first planned for an earlier day, and postponed: its page shows the move and why.
  const next = scheduleMeeting(
    ctx,
    villageId,
    scheduleSchema.parse({
      date: shiftDays(today, 5),
      time: '16:00',
      place: 'राजकीय प्राथमिक विद्यालय, पापड़ी — बरामदा',
      chairChildId: '',
      agenda: [
        'पिछले प्रस्तावों पर ग्राम पंचायत ने क्या किया',
        'ईंट भट्ठे से लौटे बच्चों की स्कूल में उपस्थिति',
        'खेल का मैदान: स्कूल के पीछे की खाली ज़मीन',
        'अगली बैठकों का समय और स्थान',
      ].join('\n'),
    }),
  )
  addOutOfSchoolItem(ctx, next.id, outOfSchoolTitle())
  postponeMeeting(
    ctx,
    next.id,
    postponeSchema.parse({
      date: shiftDays(today, 7),
      time: '11:00',
      reason: 'उस दिन गाँव में शादी है; कई बच्चे नहीं आ पाएँगे। रविवार सुबह सब आ सकते हैं।',
    }),
  )
  const outOfSchoolItemId = agendaOf(ctx.db, held[2].meetingId).find((i) => i.kind === 'out_of_school')?.id
  if (!outOfSchoolItemId) throw new Error('demo meeting 3: no item "children not in school"')
  return {
    meetingIds: [...held.map((h) => h.meetingId), next.id],
    resolutionIds: Object.fromEntries(held.flatMap((h) => h.resolutionIds)) as Record<DemoResolutionKey, number>,
    outOfSchoolItemId,
  }
}

/** Runs one past meeting through the verbs, as a facilitator would have on the day, then dates it. */
function holdPast(
  ctx: StaffCtx,
  villageId: number,
  spec: PastMeeting,
): { meetingId: number; resolutionIds: [DemoResolutionKey, number][] } {
  const meeting = scheduleMeeting(
    ctx,
    villageId,
    scheduleSchema.parse({
      date: spec.date,
      time: spec.time,
      place: spec.place,
      chairChildId: '',
      agenda: spec.items.map((i) => i.title).join('\n'),
    }),
  )
  if (spec.outOfSchool) addOutOfSchoolItem(ctx, meeting.id, outOfSchoolTitle())
  const items = agendaOf(ctx.db, meeting.id)
  const length = 25 * items.length + 10
  // Entered as held on its day, from its start to its end (the dating below makes it look stamped live).
  startMeeting(ctx, meeting.id, {
    way: 'paper',
    heldOn: spec.date,
    from: spec.time,
    until: clockAfter(spec.time, length),
    reason: '',
  })
  for (const m of spec.present) recordAttendance(ctx, meeting.id, m.childId, true)
  const quorum = meetingQuorum(ctx.db, meeting)
  if (quorum.met !== spec.quorum)
    throw new Error(`demo meeting ${meeting.number}: quorum ${quorum.met ? 'met' : 'not met'}, expected otherwise`)
  recordGuests(
    ctx,
    meeting.id,
    guestsSchema.parse({
      otherChildren: String(spec.guests.otherChildren),
      adults: String(spec.guests.adults),
      guests: spec.guests.guests,
    }),
  )
  spec.items.forEach((item, i) => {
    saveMinutes(
      ctx,
      meeting.id,
      items[i].id,
      minutesSchema.parse({ discussion: item.discussion, decisions: item.decisions }),
    )
    for (const a of item.actions ?? []) {
      addActionPoint(
        ctx,
        meeting.id,
        items[i].id,
        actionPointSchema.parse({ what: a.what, who: a.who, byDate: shiftDays(spec.date, a.inDays) }),
      )
    }
  })
  if (spec.outOfSchool) {
    const item = items.find((i) => i.kind === 'out_of_school')!
    saveMinutes(ctx, meeting.id, item.id, minutesSchema.parse(spec.outOfSchool))
  }
  const resolutionIds = spec.resolutions.map(
    (r) =>
      recordResolution(
        ctx,
        meeting.id,
        resolutionSchema.parse({
          agendaItemId: String(items[r.item].id),
          title: r.title,
          problem: r.problem,
          request: r.request,
          addressedTo: r.addressedTo,
          category: r.category,
          proposerChildId: String(r.proposer.childId),
          seconderChildId: String(r.seconder.childId),
          votesFor: String(r.votes[0]),
          votesAgainst: String(r.votes[1]),
          votesAbstain: String(r.votes[2]),
        }),
      ).id,
  )
  closeMeeting(ctx, meeting.id)
  if (spec.amendment)
    addAmendment(
      ctx,
      meeting.id,
      amendmentSchema.parse({ agendaItemId: String(items[spec.amendment.item].id), text: spec.amendment.text }),
    )

  // The verbs stamp everything "now"; date it to the day the meeting was held so its timeline reads sensibly.
  const db = ctx.db
  const at = (date: string, time: string, minutes = 0) =>
    new Date(new Date(`${date}T${time}:00+05:30`).getTime() + minutes * 60_000)
  const itemIds = items.map((i) => i.id)
  const scheduledAt = at(shiftDays(spec.date, -4), '10:00')
  db.update(meetings).set({ createdAt: scheduledAt, typedLater: false }).where(eq(meetings.id, meeting.id)).run()
  db.update(agendaItems).set({ addedAt: scheduledAt }).where(eq(agendaItems.meetingId, meeting.id)).run()
  db.update(meetingEvents)
    .set({ at: at(spec.date, spec.time) })
    .where(and(eq(meetingEvents.meetingId, meeting.id), eq(meetingEvents.stage, 'in_progress')))
    .run()
  db.update(meetingEvents)
    .set({ at: at(spec.date, spec.time, length) })
    .where(and(eq(meetingEvents.meetingId, meeting.id), eq(meetingEvents.stage, 'closed')))
    .run()
  db.update(attendance)
    .set({ presentAt: at(spec.date, spec.time, 5) })
    .where(and(eq(attendance.meetingId, meeting.id), isNotNull(attendance.presentAt)))
    .run()
  itemIds.forEach((id, i) => {
    db.update(minutes)
      .set({ updatedAt: at(spec.date, spec.time, 25 * (i + 1)) })
      .where(eq(minutes.agendaItemId, id))
      .run()
    db.update(actionPoints)
      .set({ addedAt: at(spec.date, spec.time, 25 * (i + 1)) })
      .where(eq(actionPoints.agendaItemId, id))
      .run()
  })
  spec.resolutions.forEach((r, k) => {
    db.update(resolutions)
      .set({ recordedAt: at(spec.date, spec.time, 25 * (r.item + 1) + 2) })
      .where(eq(resolutions.id, resolutionIds[k]))
      .run()
  })
  if (spec.amendment) {
    db.update(amendments)
      .set({ addedAt: at(spec.amendment.date, spec.amendment.time) })
      .where(eq(amendments.meetingId, meeting.id))
      .run()
  }
  return { meetingId: meeting.id, resolutionIds: spec.resolutions.map((r, k) => [r.key, resolutionIds[k]]) }
}

/** "16:00" and 85 minutes: "17:25" (within the day). */
function clockAfter(hhmm: string, minutes: number): string {
  const [h, m] = hhmm.split(':').map(Number)
  const total = Math.min(h * 60 + m + minutes, 23 * 60 + 59)
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`
}

function shiftDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}
